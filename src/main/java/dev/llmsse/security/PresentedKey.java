package dev.llmsse.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A key as the client sent it, before it is checked; never logged ({@link #toString()} hides it). */
final class PresentedKey extends AbstractAuthenticationToken {

    private final String key;

    PresentedKey(String key) {
        super(java.util.List.of());
        this.key = key;
    }

    @Override
    public Object getCredentials() {
        return key;
    }

    @Override
    public Object getPrincipal() {
        return "presented key";
    }

    @Override
    public String toString() {
        return "PresentedKey[hidden]";
    }
}
