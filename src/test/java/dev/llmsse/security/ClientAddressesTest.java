package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Map;

import dev.llmsse.config.GatewayProperties;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** X-Forwarded-For is believed only from trusted proxies, read from the right. */
class ClientAddressesTest {

    private static ClientAddresses trusting(String proxies) {
        return new ClientAddresses(new Binder(new MapConfigurationPropertySource(
                Map.of("gateway.limits.trusted-proxies", proxies)))
                .bindOrCreate("gateway", Bindable.of(GatewayProperties.class)));
    }

    private static MockServerWebExchange from(String peer, String... forwardedFor) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/models")
                .remoteAddress(new InetSocketAddress(peer, 40000));
        for (String hop : forwardedFor) {
            request.header("X-Forwarded-For", hop);
        }
        return MockServerWebExchange.from(request);
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItClaims() {
        ClientAddresses addresses = trusting("10.0.0.0/8");
        assertThat(addresses.of(from("203.0.113.9", "198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void behindTrustedProxiesTheFirstUntrustedHopFromTheRightIsTheClient() {
        ClientAddresses addresses = trusting("10.0.0.0/8,192.168.1.7");
        assertThat(addresses.of(from("10.1.2.3", "1.1.1.1, 198.51.100.1, 192.168.1.7"))).isEqualTo("198.51.100.1");
        assertThat(addresses.of(from("10.1.2.3", "198.51.100.1", "10.9.9.9"))).isEqualTo("198.51.100.1");
        // Garbage stops the walk: the last trusted hop is taken, not the garbage.
        assertThat(addresses.of(from("10.1.2.3", "not-an-ip"))).isEqualTo("10.1.2.3");
        assertThat(addresses.of(from("10.1.2.3"))).isEqualTo("10.1.2.3");
    }

    @Test
    void cidrBlocksMatchByPrefixAndBadOnesStopTheStartup() {
        ClientAddresses addresses = trusting("172.16.0.0/12,::1");
        assertThat(addresses.of(from("172.31.255.1", "198.51.100.2"))).isEqualTo("198.51.100.2");
        assertThat(addresses.of(from("172.32.0.1", "198.51.100.2"))).isEqualTo("172.32.0.1");
        assertThatThrownBy(() -> trusting("example.com")).hasStackTraceContaining("trusted-proxies");
        assertThatThrownBy(() -> trusting("10.0.0.0/40")).hasStackTraceContaining("prefix");
    }
}
