package dev.llmsse.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import dev.llmsse.config.GatewayProperties;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * {@code api-key} mode: reads the key from {@code Authorization: Bearer} or {@code X-API-Key}, hashes it with
 * SHA-256 and compares the hash with every configured one in constant time, so neither the key nor which
 * configured key came close shows in the timing. Only hashes are configured; a key not listed is revoked.
 */
final class ApiKeys implements ServerAuthenticationConverter, ReactiveAuthenticationManager {

    static final String HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";
    // A key longer than this is not one of ours: refuse before hashing an arbitrary amount of input.
    private static final int MAX_KEY_LENGTH = 512;

    private final List<Entry> entries;

    private record Entry(String name, byte[] sha256, List<String> models) {
    }

    ApiKeys(List<GatewayProperties.ApiKey> keys) {
        this.entries = keys.stream()
                .map(key -> new Entry(key.name(), HexFormat.of().parseHex(key.sha256().toLowerCase(Locale.ROOT)),
                        key.models()))
                .toList();
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Mono.just(new PresentedKey(authorization.substring(BEARER.length()).strip()));
        }
        String key = headers.getFirst(HEADER);
        return key == null ? Mono.empty() : Mono.just(new PresentedKey(key.strip()));
    }

    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        return Mono.fromSupplier(() -> {
            String key = (String) presented.getCredentials();
            if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw new BadCredentialsException("invalid API key");
            }
            byte[] hash = sha256(key);
            Entry match = null;
            // Every entry is compared, whatever matched: the time does not depend on the position of a match.
            for (Entry entry : entries) {
                if (MessageDigest.isEqual(entry.sha256(), hash) && match == null) {
                    match = entry;
                }
            }
            if (match == null) {
                throw new BadCredentialsException("invalid API key");
            }
            return new ApiKeyAuthentication(match.name(), match.models());
        });
    }

    /** The hex SHA-256 of a key, as {@code gateway.auth.api-keys[n].sha256} expects it. */
    static String hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("SHA-256 is required of every JVM", impossible);
        }
    }
}
