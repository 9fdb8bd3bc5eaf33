package dev.llmsse.web.aisdk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.security.Caller;
import dev.llmsse.session.SessionAliases;
import dev.llmsse.stream.StreamService;

import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Which session answers a chat: the AI SDK names a conversation by its chat id and asks to resume or stop "the
 * chat", while our core knows sessions. Each {@code POST /api/chat} points the chat at its new session in the
 * shared aliases, so that any replica finds it.
 *
 * <p>A chat id is the client's own choice and may be guessable (a database's 1, 2, 3), so it is no capability as
 * a session id is: the alias is bound to the caller (the API key, the JWT's subject, or an anonymous client's
 * address), and another caller's chat with the same id is simply not there. The alias is a hash, so neither the
 * principal nor the chat id is stored in clear.
 */
@Component
class ActiveChats {

    private final SessionAliases aliases;
    private final StreamService streams;
    private final Duration ttl;

    ActiveChats(SessionAliases aliases, StreamService streams, GatewayProperties properties) {
        this.aliases = aliases;
        this.streams = streams;
        // As long as the answer can be running (from its POST) plus the time it is kept for a late resume.
        this.ttl = properties.stream().maxDuration().plus(properties.stream().retention());
    }

    /** The chat's latest answer is now session {@code sessionId}. */
    Mono<Void> answeredBy(Caller caller, String chatId, String sessionId) {
        return aliases.put(alias(caller, chatId), sessionId, ttl);
    }

    /** The session of the chat's latest answer, whether or not it is still being written; empty if none. */
    Mono<String> latest(Caller caller, String chatId) {
        return aliases.get(alias(caller, chatId));
    }

    /** The session of the chat's answer while it is still being written; empty otherwise. */
    Mono<String> active(Caller caller, String chatId) {
        return latest(caller, chatId).filterWhen(streams::answering);
    }

    private static String alias(Caller caller, String chatId) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            // A newline cannot be in a chat id, so no two (principal, chat) pairs hash the same input.
            byte[] digest = sha256.digest((caller.id() + "\n" + chatId).getBytes(StandardCharsets.UTF_8));
            return "aisdk:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
