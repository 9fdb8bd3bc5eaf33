package dev.llmsse.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import dev.llmsse.config.GatewayProperties;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client's address: the peer's, unless the peer is a trusted proxy ({@code gateway.limits.trusted-proxies}),
 * in which case {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first
 * untrusted hop is the client. Left of that, anything could have been written by the client itself.
 */
@Component
public final class ClientAddresses {

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<Cidr> trusted = new ArrayList<>();

    ClientAddresses(GatewayProperties properties) {
        properties.limits().trustedProxies().forEach(block -> trusted.add(Cidr.parse(block)));
    }

    /** The client's address for this exchange, as text ({@code unknown} if the peer has none). */
    public String of(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        InetAddress peer = remote == null ? null : remote.getAddress();
        if (peer == null) {
            return "unknown";
        }
        if (!isTrusted(peer)) {
            return peer.getHostAddress();
        }
        List<String> hops = exchange.getRequest().getHeaders().getValuesAsList(FORWARDED_FOR);
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i).strip());
            if (hop == null) {
                break;
            }
            if (!isTrusted(hop)) {
                return hop.getHostAddress();
            }
            peer = hop;
        }
        return peer.getHostAddress();
    }

    /** Whether {@code address} is a configured trusted proxy. */
    public boolean isTrusted(InetAddress address) {
        return trusted.stream().anyMatch(block -> block.contains(address));
    }

    /** An IP literal, or null for anything else; never a DNS lookup. */
    static InetAddress literal(String text) {
        if (text.isEmpty() || text.length() > 45 || !text.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException malformed) {
            return null;
        }
    }

    /** An address block such as {@code 10.0.0.0/8}, {@code ::1/128} or a single address. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String[] parts = text.strip().split("/", 2);
            InetAddress address = literal(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("gateway.limits.trusted-proxies: not an IP address or CIDR block");
            }
            int bits = address.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("gateway.limits.trusted-proxies: bad prefix length");
            }
            return new Cidr(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }
    }
}
