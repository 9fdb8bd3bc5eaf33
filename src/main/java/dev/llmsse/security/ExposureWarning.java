package dev.llmsse.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.GatewayProperties.AuthMode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warns at startup when nobody needs to authenticate and the server listens beyond loopback: then anyone who
 * reaches the port spends the provider keys.
 */
@Component
record ExposureWarning(GatewayProperties properties, Environment environment) {

    private static final Logger LOG = LoggerFactory.getLogger(ExposureWarning.class);

    @EventListener(ApplicationReadyEvent.class)
    void warnIfExposed() {
        if (properties.auth().mode() != AuthMode.NONE) {
            return;
        }
        String address = environment.getProperty("server.address");
        if (!loopback(address)) {
            LOG.warn("gateway.auth.mode=none and the server listens on {}: anyone who can reach it can spend the "
                    + "provider keys. Set gateway.auth.mode=api-key or jwt, or server.address=127.0.0.1 "
                    + "(see docs/security.md)", address == null ? "all interfaces" : address);
        }
    }

    static boolean loopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException unknown) {
            return false;
        }
    }
}
