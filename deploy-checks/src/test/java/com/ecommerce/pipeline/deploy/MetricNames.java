package com.ecommerce.pipeline.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;

/**
 * The Prometheus metric names a service's {@code /actuator/prometheus} exports, derived without running it: the
 * meters its own code and the repository libraries it runs with declare (found in their sources), plus what Spring
 * Boot's actuator binds in every service (the JVM binders, Spring's {@code http.server.requests} observation, with a
 * histogram where the service's settings ask for one), registered in Micrometer's own Prometheus registry and read
 * back from its scrape, so the names are Micrometer's (dots to underscores, {@code _total}, {@code _seconds}, ...).
 */
final class MetricNames {

    /** A meter declared in code: its builder or registry method, and its name (a literal or a constant). */
    private static final Pattern DECLARED = Pattern.compile(
            "\\b(Counter|FunctionCounter|Gauge|Timer|DistributionSummary|LongTaskTimer)\\.builder\\(\\s*([\"\\w.]+)"
                    + "|\\.(counter|gauge|timer|summary)\\(\\s*(\"[^\"]+\"|[A-Z][A-Z0-9_]*)\\s*[,)]");

    record Declared(String type, String name, Path source) {}

    private MetricNames() {}

    /** The names a service exports. */
    static Set<String> exported(String module) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindWhatTheActuatorBinds(module, registry);
        for (Declared meter : declared(module)) {
            register(meter, registry);
        }
        return names(registry.scrape());
    }

    /** The names in a Prometheus text or OpenMetrics exposition: those of its samples. */
    static Set<String> names(String exposition) {
        return exposition
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }

    /** The meters the module's main sources and those of the repository modules it runs with declare. */
    static List<Declared> declared(String module) {
        List<String> modules = new ArrayList<>(List.of(module));
        modules.addAll(ServiceSettings.repositoryDependencies(module));
        List<Declared> found = new ArrayList<>();
        for (String m : modules) {
            Path sources = Repository.file(m + "/src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    found.addAll(declaredIn(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    private static List<Declared> declaredIn(Path file) throws IOException {
        String source = Files.readString(file);
        List<Declared> found = new ArrayList<>();
        Matcher m = DECLARED.matcher(source);
        while (m.find()) {
            String type = m.group(1) != null ? m.group(1) : m.group(3);
            String name = m.group(2) != null ? m.group(2) : m.group(4);
            found.add(new Declared(type, resolve(name, source, file), file));
        }
        return found;
    }

    /** A literal's text, or the value of a constant of the same file; anything else is refused (so it is noticed). */
    private static String resolve(String name, String source, Path file) {
        if (name.startsWith("\"")) {
            return name.substring(1, name.length() - 1);
        }
        Matcher constant = Pattern.compile("static final String " + Pattern.quote(name) + "\\s*=\\s*\"([^\"]+)\"")
                .matcher(source);
        if (!constant.find()) {
            throw new IllegalStateException(
                    file + ": the meter name " + name + " is neither a literal nor a constant of this file");
        }
        return constant.group(1);
    }

    private static void register(Declared meter, MeterRegistry registry) {
        switch (meter.type()) {
            case "Counter", "FunctionCounter", "counter" -> Counter.builder(meter.name())
                    .register(registry);
            case "Gauge", "gauge" -> Gauge.builder(meter.name(), () -> 0).register(registry);
            case "Timer", "timer" -> Timer.builder(meter.name()).register(registry);
            case "DistributionSummary", "summary" -> DistributionSummary.builder(meter.name())
                    .register(registry);
            case "LongTaskTimer" -> LongTaskTimer.builder(meter.name()).register(registry);
            default -> throw new IllegalStateException("unknown meter type " + meter);
        }
    }

    /**
     * What Spring Boot's actuator registers in every service: the JVM and system binders, and Spring's
     * observation of each HTTP request (a timer named by Spring's convention), with a histogram when the service's
     * {@code management.metrics.distribution.percentiles-histogram} says so for it.
     */
    private static void bindWhatTheActuatorBinds(String module, MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        String requests = new DefaultServerRequestObservationConvention().getName();
        String histogram = ServiceSettings.environment(module, Map.of())
                .getProperty("management.metrics.distribution.percentiles-histogram." + requests);
        Timer.builder(requests)
                .publishPercentileHistogram(Boolean.parseBoolean(histogram))
                .register(registry);
    }
}
