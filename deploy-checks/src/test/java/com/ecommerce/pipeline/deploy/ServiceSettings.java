package com.ecommerce.pipeline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * What a service reads, from its own {@code application.yml}, and how Spring Boot resolves its settings from a given
 * set of environment variables (the same relaxed binding and placeholder resolution as the running service).
 */
final class ServiceSettings {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(:[^}]*)?}");

    private ServiceSettings() {}

    /**
     * The modules that run as the pipeline's Spring Boot services: those of the root pom with a {@code
     * application.yml}, except the health console, which compose does not run yet (issue 16; README "Not built yet").
     */
    static List<String> serviceModules() {
        try (Stream<Path> dirs = Files.list(Repository.root())) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("src/main/resources/application.yml")))
                    .filter(d -> !d.getFileName().toString().equals("health-console"))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String applicationYml(String module) {
        return module + "/src/main/resources/application.yml";
    }

    /** Placeholders without a default in the module's application.yml: the service cannot start without them. */
    static Set<String> requiredPlaceholders(String module) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(Repository.read(applicationYml(module)));
        while (m.find()) {
            if (m.group(2) == null) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every placeholder name in the module's application.yml (environment variables it reads by name). */
    static Set<String> placeholders(String module) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(Repository.read(applicationYml(module)));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The properties {@code config/local-cloud.yml} gives every service under {@code ./pipeline up}. */
    static Set<String> localCloudProperties() {
        return Repository.flatten(Repository.yaml(Repository.LOCAL_CLOUD_CONFIG))
                .keySet();
    }

    /**
     * The environment a service sees: these environment variables, then the given YAML files of the repository
     * (later ones with lower precedence), then its application.yml.
     */
    static StandardEnvironment environment(String module, Map<String, String> variables, String... extraYaml) {
        StandardEnvironment env = new StandardEnvironment();
        MutablePropertySources sources = env.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(variables)));
        for (String yaml : extraYaml) {
            load(yaml).forEach(sources::addLast);
        }
        load(applicationYml(module)).forEach(sources::addLast);
        ConfigurationPropertySources.attach(env);
        return env;
    }

    private static List<PropertySource<?>> load(String relative) {
        try {
            return new YamlPropertySourceLoader().load(relative, new FileSystemResource(Repository.file(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spring Boot's canonical environment variable for a property: {@code a.b-c} → {@code A_BC}. */
    static String environmentVariable(String property) {
        return property.toUpperCase(Locale.ROOT).replace(".", "_").replace("-", "");
    }
}
