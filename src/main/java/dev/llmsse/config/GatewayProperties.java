package dev.llmsse.config;

import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The whole {@code gateway.*} configuration tree, immutable and validated at startup.
 * Relaxed binding applies, so {@code GATEWAY_STREAM_HEARTBEAT=5s} works from the environment.
 *
 * @param defaultModel model used when a request names none, as {@code provider/model}
 * @param stream       stream lifecycle settings
 * @param limits       input limits
 * @param providers    provider settings
 * @param store        where sessions and event logs live: {@code memory} (one replica) or {@code redis}
 * @param redis        settings of the Redis store
 * @param shutdown     what happens to running streams on SIGTERM
 * @param auth         client authentication (see {@code docs/security.md})
 * @param cors         cross-origin access for browsers on other origins
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @DefaultValue("echo/echo") @NotBlank String defaultModel,
        @DefaultValue @Valid @NotNull Stream stream,
        @DefaultValue @Valid @NotNull Limits limits,
        @DefaultValue @Valid @NotNull Providers providers,
        @DefaultValue("memory") @NotNull Store store,
        @DefaultValue @Valid @NotNull Redis redis,
        @DefaultValue @Valid @NotNull Shutdown shutdown,
        @DefaultValue @Valid @NotNull Auth auth,
        @DefaultValue @Valid @NotNull Cors cors) {

    /**
     * Graceful shutdown of streams (see {@code docs/operations.md}).
     *
     * @param drainTimeout  how long running generations may go on finishing; keep it below
     *                      {@code spring.lifecycle.timeout-per-shutdown-phase} and the orchestrator's grace
     * @param handoffRetry  with a shared store, the {@code retry:} sent to clients asked to reconnect elsewhere
     */
    public record Shutdown(
            @DefaultValue("20s") @NotNull @DurationMin(nanos = 0) Duration drainTimeout,
            @DefaultValue("500ms") @NotNull @DurationMin(nanos = 0) Duration handoffRetry) {
    }

    /** Where sessions and event logs live. */
    public enum Store {
        /** In this process: a single replica. */
        MEMORY,
        /** In Redis ({@code spring.data.redis.*}): replicas share sessions, resume and stop. */
        REDIS
    }

    /**
     * The Redis store.
     *
     * @param keyPrefix       prefix of every key and channel
     * @param lease           ownership lease of a running generation; a dead owner is noticed within it
     * @param pollInterval    how often a remote subscriber reads the log when no notification came
     * @param maxStreamLength cap on a generation's Redis Stream (approximate trimming)
     * @param probeInterval   how often Redis is checked; while the last check failed, new sessions get 503 at once
     */
    public record Redis(
            @DefaultValue("llmsse") @NotBlank String keyPrefix,
            @DefaultValue("3s") @NotNull @DurationMin(millis = 1) Duration lease,
            @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration pollInterval,
            @DefaultValue("100000") @Min(1) int maxStreamLength,
            @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration probeInterval) {
    }

    /**
     * Stream lifecycle.
     *
     * @param heartbeat      interval of {@code event: ping} frames, from before the first token
     * @param detachGrace    how long a generation without subscribers keeps running (0 = cancel at once)
     * @param idleTimeout    an upstream silent this long ends the stream with a terminal error
     * @param maxDuration    hard cap on a generation's total duration
     * @param retry          the {@code retry:} hint sent first on every stream
     * @param retention      how long a finished generation stays available for resume
     * @param sessionTtl     how long a created but never attached session waits
     * @param maxGenerations cap on live generations; past it new ones get 503
     * @param maxEvents      cap on events in one generation's log; past it the stream ends with an error
     * @param maxSubscriberLag frames one client may have waiting (produced, not yet taken by its connection);
     *                       past it that client's response is cut and it resumes by {@code Last-Event-ID}
     */
    public record Stream(
            @DefaultValue("15s") @NotNull @DurationMin(millis = 1) Duration heartbeat,
            @DefaultValue("5s") @NotNull @DurationMin(nanos = 0) Duration detachGrace,
            @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration idleTimeout,
            @DefaultValue("10m") @NotNull @DurationMin(millis = 1) Duration maxDuration,
            @DefaultValue("3s") @NotNull @DurationMin(nanos = 0) Duration retry,
            @DefaultValue("5m") @NotNull @DurationMin(nanos = 0) Duration retention,
            @DefaultValue("5m") @NotNull @DurationMin(millis = 1) Duration sessionTtl,
            @DefaultValue("10000") @Min(1) int maxGenerations,
            @DefaultValue("100000") @Min(1) int maxEvents,
            @DefaultValue("1000") @Min(16) int maxSubscriberLag) {
    }

    /**
     * Input limits and rate limits. Rate limits are per principal (the API key's name or the JWT's
     * {@code sub}), or per client address when {@code gateway.auth.mode=none}; unset means off.
     *
     * @param maxPromptChars       cap on the characters of a prompt, or of all messages together
     * @param maxBodyBytes         cap on a request body
     * @param maxMessages          cap on the number of messages in a session request
     * @param maxTokens            ceiling for a request's {@code maxTokens}
     * @param requestsPerMinute    API requests per minute
     * @param concurrentStreams    answers being generated at once
     * @param tokensPerMinute      output tokens per minute; a request reserves its {@code maxTokens} (or
     *                             {@code defaultTokenEstimate}) at admission and is settled with its real usage
     * @param defaultTokenEstimate what a request without {@code maxTokens} reserves
     * @param connectionsPerIp     requests in flight (open streams included) per client address
     * @param trustedProxies       addresses or CIDR blocks whose {@code X-Forwarded-For} is believed
     * @param failOpen             whether requests pass (true) or get 503 (false) while the limiter's
     *                             store (Redis) is unreachable
     * @param maxTools             cap on the tools one request offers the model (400 above it)
     */
    public record Limits(
            @DefaultValue("32768") @Min(1) int maxPromptChars,
            @DefaultValue("262144") @Min(1024) int maxBodyBytes,
            @DefaultValue("256") @Min(1) int maxMessages,
            @DefaultValue("32768") @Min(1) int maxTokens,
            @Min(1) Integer requestsPerMinute,
            @Min(1) Integer concurrentStreams,
            @Min(1) Integer tokensPerMinute,
            @DefaultValue("1024") @Min(1) int defaultTokenEstimate,
            @Min(1) Integer connectionsPerIp,
            @DefaultValue List<String> trustedProxies,
            @DefaultValue("true") boolean failOpen,
            @DefaultValue("128") @Min(0) int maxTools) {
    }

    /**
     * Client authentication.
     *
     * @param mode    {@code none}, {@code api-key} or {@code jwt}
     * @param apiKeys the accepted keys in {@code api-key} mode; a key not listed is revoked
     * @param jwt     the token issuer in {@code jwt} mode
     */
    public record Auth(
            @DefaultValue("none") @NotNull AuthMode mode,
            @DefaultValue List<@Valid ApiKey> apiKeys,
            @DefaultValue @Valid @NotNull Jwt jwt) {
    }

    /** How clients authenticate. */
    public enum AuthMode {
        /** Nobody authenticates: for local use; a startup warning names a non-loopback bind address. */
        NONE,
        /** {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}, checked against configured hashes. */
        API_KEY,
        /** {@code Authorization: Bearer <JWT>}, verified against the issuer's JWK set. */
        JWT
    }

    /**
     * One client key. Only its hash is configured, so the configuration holds nothing worth stealing.
     *
     * @param name   the principal: shown in logs and metrics, binds sessions and rate limits
     * @param sha256 hex SHA-256 of the key's UTF-8 bytes
     * @param models optional allow-list of {@code provider/model} (or {@code provider/*}); unset = any
     */
    public record ApiKey(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._@-]{1,64}") String name,
            @NotBlank @Pattern(regexp = "[0-9a-fA-F]{64}") String sha256,
            List<String> models) {

        @Override
        public String toString() {
            // The hash stays out of anything that prints this record.
            return "ApiKey[name=" + name + ", models=" + models + "]";
        }
    }

    /**
     * The JWT issuer: {@code issuer-uri} (keys found through its discovery document, {@code iss} checked)
     * or {@code jwk-set-uri} (keys fetched from there; {@code iss} checked too when {@code issuer-uri} is set).
     *
     * @param issuerUri the issuer
     * @param jwkSetUri the issuer's JWK set
     * @param audience  if set, the {@code aud} a token must carry
     */
    public record Jwt(String issuerUri, String jwkSetUri, String audience) {
    }

    /**
     * Cross-origin access.
     *
     * @param allowedOrigins   origins that may call the API from a browser; none by default
     * @param allowCredentials whether such calls may carry cookies; only with explicit origins
     * @param maxAge           how long a browser may cache a preflight answer
     */
    public record Cors(
            @DefaultValue List<String> allowedOrigins,
            @DefaultValue("false") boolean allowCredentials,
            @DefaultValue("30m") @NotNull @DurationMin(nanos = 0) Duration maxAge) {

        /** Refuses credentials with a wildcard origin at startup: that would let any site act as the user. */
        public Cors {
            if (allowCredentials && allowedOrigins.stream().anyMatch(origin -> origin.contains("*"))) {
                throw new IllegalArgumentException(
                        "gateway.cors.allow-credentials=true needs explicit gateway.cors.allowed-origins, not a wildcard");
            }
        }
    }

    /**
     * Provider settings, one entry per provider, and what all upstream connections share.
     *
     * @param echo                  the built-in echo provider
     * @param openai                OpenAI Chat Completions and OpenAI-compatible servers
     * @param openaiResponses       OpenAI's Responses API ({@code openai-responses})
     * @param anthropic             Anthropic Messages
     * @param ollama                Ollama
     * @param gemini                Google Gemini
     * @param maxConnections        upstream connections per host; sized for thousands of concurrent streams
     * @param pendingAcquireTimeout how long a request may wait for a pooled connection
     * @param connectTimeout        TCP connect timeout
     * @param maxIdleTime           a pooled connection idle this long is closed, before the server does it
     * @param maxLineBytes          longest upstream line accepted; longer ends the stream with an error
     * @param maxEventBytes         largest upstream SSE event accepted
     * @param firstTokenTimeout     no event from the upstream this long after the request: retry or fall
     *                              back, like a failure before the first token (0 = off)
     * @param retry                 retries before the first token
     */
    public record Providers(
            @DefaultValue @Valid @NotNull ProviderSettings.Echo echo,
            @DefaultValue @Valid @NotNull ProviderSettings.OpenAi openai,
            @DefaultValue @Valid @NotNull ProviderSettings.OpenAiResponses openaiResponses,
            @DefaultValue @Valid @NotNull ProviderSettings.Anthropic anthropic,
            @DefaultValue @Valid @NotNull ProviderSettings.Ollama ollama,
            @DefaultValue @Valid @NotNull ProviderSettings.Gemini gemini,
            @DefaultValue("10000") @Min(1) int maxConnections,
            @DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration pendingAcquireTimeout,
            @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration connectTimeout,
            @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration maxIdleTime,
            @DefaultValue("1048576") @Min(1024) int maxLineBytes,
            @DefaultValue("4194304") @Min(1024) int maxEventBytes,
            @DefaultValue("0s") @NotNull @DurationMin(nanos = 0) Duration firstTokenTimeout,
            @DefaultValue @Valid @NotNull ProviderSettings.Retry retry) {

    }
}
