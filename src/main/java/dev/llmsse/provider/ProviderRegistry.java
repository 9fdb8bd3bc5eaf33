package dev.llmsse.provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ModelAliases;
import dev.llmsse.config.ProviderSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Routes {@code provider/model} names and aliases to the adapters present in the context. Every resolved
 * upstream model comes wrapped in a {@link ResilientProvider}: retries before the first token, the
 * first-token deadline, and for an alias its fallback list. The in-process {@code echo} provider is
 * returned as it is (as an alias target it is wrapped like any other).
 */
@Component
public class ProviderRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);
    private static final String IN_PROCESS = "echo";

    private final Map<String, ChatProvider> providers = new TreeMap<>();
    private final Map<String, List<ResilientProvider.Target>> aliases = new LinkedHashMap<>();
    private final String defaultModel;
    private final ProviderSettings.Retry retry;
    private final Duration firstTokenTimeout;
    private final Scheduler timer;
    private final MeterRegistry meters;

    @Autowired
    ProviderRegistry(List<ChatProvider> adapters, GatewayProperties properties, ModelAliases aliases,
            MeterRegistry meters) {
        this(adapters, properties, aliases, Schedulers.parallel(), meters);
    }

    ProviderRegistry(List<ChatProvider> adapters, GatewayProperties properties, ModelAliases aliases,
            Scheduler timer, MeterRegistry meters) {
        adapters.forEach(adapter -> providers.put(adapter.id(), adapter));
        this.defaultModel = properties.defaultModel();
        this.retry = properties.providers().retry();
        this.firstTokenTimeout = properties.providers().firstTokenTimeout();
        this.timer = timer;
        this.meters = meters;
        aliases.aliases().forEach(this::addAlias);
    }

    /**
     * Resolves a client's {@code model} parameter; blank means the configured default.
     *
     * @throws UnknownModelException naming what is available, if the provider or model is not served
     */
    public ResolvedModel resolve(String requested) {
        String name = requested == null || requested.isBlank() ? defaultModel : requested.strip();
        List<ResilientProvider.Target> alias = aliases.get(name);
        if (alias != null) {
            return new ResolvedModel(resilient(alias.get(0).provider().id(), alias), name, name);
        }
        ResilientProvider.Target target = target(name);
        if (IN_PROCESS.equals(target.provider().id())) {
            // Echo runs in-process and cannot fail or stall by itself: nothing to retry, and the stream core's
            // own tests and the benchmark see the adapter exactly as it is.
            return new ResolvedModel(target.provider(), target.model());
        }
        return new ResolvedModel(resilient(target.provider().id(), List.of(target)), target.model());
    }

    /** Every alias, then every configured provider with its allow-list ({@code provider/*} where any model passes). */
    public List<String> available() {
        List<String> names = new ArrayList<>(aliases.keySet());
        providers.values().forEach(provider -> {
            if (provider.models().isEmpty()) {
                names.add(provider.id() + "/*");
            } else {
                provider.models().forEach(model -> names.add(provider.id() + "/" + model));
            }
        });
        return names;
    }

    /** The configured default model, as {@code provider/model} or an alias. */
    public String defaultModel() {
        return defaultModel;
    }

    private ResilientProvider resilient(String id, List<ResilientProvider.Target> targets) {
        return new ResilientProvider(id, targets, retry, firstTokenTimeout, timer, meters);
    }

    private ResilientProvider.Target target(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            throw new UnknownModelException("model must be written provider/model", available());
        }
        ChatProvider provider = providers.get(name.substring(0, slash));
        if (provider == null) {
            throw new UnknownModelException("unknown provider", available());
        }
        String model = name.substring(slash + 1);
        if (!provider.models().isEmpty() && !provider.models().contains(model)) {
            throw new UnknownModelException("model not allowed for provider " + provider.id(), available());
        }
        return new ResilientProvider.Target(provider, model);
    }

    /** Targets whose provider is not configured are left out (logged), so one missing key does not stop startup. */
    private void addAlias(String name, List<String> entries) {
        List<ResilientProvider.Target> targets = new ArrayList<>();
        for (String entry : entries) {
            try {
                targets.add(target(entry.strip()));
            } catch (UnknownModelException unavailable) {
                LOG.warn("alias {}: {} is not served here ({}), left out", name, entry, unavailable.getMessage());
            }
        }
        if (targets.isEmpty()) {
            LOG.warn("alias {} has no served target and is not offered", name);
        } else {
            aliases.put(name, targets);
        }
    }
}
