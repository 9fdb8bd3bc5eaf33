package dev.llmsse.security;

import java.util.List;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** Resolves the {@link Caller} of an exchange from what Spring Security authenticated, or from its address. */
@Component
public final class Callers {

    private final ClientAddresses addresses;

    Callers(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    /** The caller; never empty. */
    public Mono<Caller> of(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .filter(principal -> principal instanceof Authentication authentication
                        && authentication.isAuthenticated() && !(authentication instanceof AnonymousAuthenticationToken))
                .map(principal -> authenticated((Authentication) principal))
                .defaultIfEmpty(new Caller("ip:" + addresses.of(exchange), false, List.of()));
    }

    private static Caller authenticated(Authentication authentication) {
        if (authentication instanceof ApiKeyAuthentication key) {
            return new Caller("key:" + key.getName(), true, key.models());
        }
        if (authentication instanceof JwtAuthenticationToken jwt) {
            return new Caller("jwt:" + jwt.getToken().getSubject(), true, List.of());
        }
        return new Caller("user:" + authentication.getName(), true, List.of());
    }
}
