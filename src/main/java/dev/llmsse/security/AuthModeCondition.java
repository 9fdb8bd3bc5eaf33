package dev.llmsse.security;

import dev.llmsse.config.GatewayProperties.AuthMode;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which security configuration applies, by {@code gateway.auth.mode} bound as the properties bind it (so
 * {@code api-key}, {@code API_KEY} and the environment's {@code GATEWAY_AUTH_MODE} all count), {@code none} when
 * unset.
 */
abstract class AuthModeCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        AuthMode mode = Binder.get(context.getEnvironment()).bind("gateway.auth.mode", AuthMode.class)
                .orElse(AuthMode.NONE);
        return (mode == AuthMode.NONE) == open();
    }

    abstract boolean open();

    /** {@code gateway.auth.mode=none}. */
    static final class Open extends AuthModeCondition {
        @Override
        boolean open() {
            return true;
        }
    }

    /** {@code api-key} or {@code jwt}. */
    static final class Secured extends AuthModeCondition {
        @Override
        boolean open() {
            return false;
        }
    }
}
