package dev.llmsse.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for an image URL (issue 15 point 3): {@code https:} to a public host, or a {@code data:} URL of a
 * PNG, JPEG, GIF or WebP image in base64 under a size cap. The gateway never fetches a URL itself; these rules
 * keep a client from making a provider fetch one of our neighbours, and keep what we forward small.
 */
final class ImageUrls {

    private static final Pattern DATA_HEAD = Pattern.compile("data:image/(png|jpeg|gif|webp);base64,");
    /** A host made only of numbers: an IP literal, maybe in a form (octal, hex, fewer parts) that hides one. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*");
    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private ImageUrls() {
    }

    /** Throws a 400 naming what is wrong with {@code url}, or a 413 when a data URL is over {@code maxBytes}. */
    static void check(String url, int maxBytes) {
        if (url == null || url.isEmpty()) {
            throw new ImageRefusedException("an image needs a url");
        }
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            checkData(url, maxBytes);
        } else if (url.regionMatches(true, 0, "https:", 0, 6)) {
            checkHost(url);
        } else {
            throw new ImageRefusedException("an image url must be https: or data: (the gateway forwards no http: "
                    + "or other urls)");
        }
    }

    private static void checkData(String url, int maxBytes) {
        var head = DATA_HEAD.matcher(url);
        if (!head.lookingAt()) {
            throw new ImageRefusedException("a data: image must be data:image/png, jpeg, gif or webp;base64,…");
        }
        int start = head.end();
        long bytes = (url.length() - start) * 3L / 4;
        if (bytes > maxBytes) {
            throw new TooLargeException("an image is larger than " + maxBytes + " bytes");
        }
        for (int i = start; i < url.length(); i++) {
            char c = url.charAt(i);
            boolean padding = c == '=' && i >= url.length() - 2;
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || padding)) {
                throw new ImageRefusedException("a data: image must be base64");
            }
        }
        if ((url.length() - start) % 4 != 0 || url.length() == start) {
            throw new ImageRefusedException("a data: image must be base64");
        }
    }

    private static void checkHost(String url) {
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException malformed) {
            throw new ImageRefusedException("an image url is not a valid URL");
        }
        // No host is what java.net.URI makes of an authority that is no host name (0x7f.1): refused alike.
        host = host == null ? "" : host.toLowerCase(Locale.ROOT);
        host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (host.isEmpty() || host.equals("localhost") || host.endsWith(".localhost") || !isPublic(host)) {
            throw new ImageRefusedException("an image url must name a public host, not a loopback, private or "
                    + "link-local address");
        }
    }

    /** A name is judged public (we resolve nothing); an IP literal only when it is a public address. */
    private static boolean isPublic(String host) {
        boolean v6 = host.startsWith("[");
        if (!v6 && !NUMERIC_HOST.matcher(host).matches()) {
            return true;
        }
        if (!v6 && !DOTTED_QUAD.matcher(host).matches()) {
            return false; // 0x7f.1, 2130706433, 127.1: the spellings of an address that hide which one it is
        }
        try {
            // A literal: getByName parses it without asking DNS.
            InetAddress address = InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host);
            return !(address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                    || address.isAnyLocalAddress() || address.isMulticastAddress() || reserved(address));
        } catch (UnknownHostException notALiteral) {
            return false;
        }
    }

    /** Ranges Java does not name: IPv6 unique-local (fc00::/7), IPv4 shared (100.64/10) and 0/8. */
    private static boolean reserved(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc;
        }
        return bytes[0] == 0 || bytes[0] == 100 && (bytes[1] & 0xc0) == 64;
    }
}
