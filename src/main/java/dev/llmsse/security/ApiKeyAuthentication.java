package dev.llmsse.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/** A client proven by one of the configured API keys: the key's name is the principal; the key is not kept. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final String name;
    private final List<String> models;

    ApiKeyAuthentication(String name, List<String> models) {
        super(AuthorityUtils.createAuthorityList("ROLE_CLIENT"));
        this.name = name;
        this.models = models == null ? List.of() : List.copyOf(models);
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return name;
    }

    @Override
    public String getName() {
        return name;
    }

    List<String> models() {
        return models;
    }
}
