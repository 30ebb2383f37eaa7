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
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    private static final Pattern REPOSITORY_ARTIFACT =
            Pattern.compile("<groupId>com\\.ecommerce\\.pipeline</groupId>\\s*<artifactId>([a-z0-9-]+)</artifactId>");

    private ServiceSettings() {}

    /** The modules that run as Spring Boot applications: those of the repository with an {@code application.yml}. */
    static List<String> runnableModules() {
        try (Stream<Path> dirs = Files.list(Repository.root())) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("src/main/resources/application.yml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pipeline's services: the runnable modules built on pipeline-support (its cloud clients and security), which
     * take the local cloud's settings. The health console is runnable but not one of them: it only watches them.
     */
    static List<String> serviceModules() {
        return runnableModules().stream()
                .filter(m -> repositoryDependencies(m).contains("pipeline-support"))
                .toList();
    }

    /**
     * The repository's modules a module runs with: its dependencies on them that are not test-scoped, directly or
     * through another of them (from the poms).
     */
    static Set<String> repositoryDependencies(String module) {
        Set<String> found = new LinkedHashSet<>();
        List<String> todo = new java.util.ArrayList<>(List.of(module));
        while (!todo.isEmpty()) {
            Matcher dependency = DEPENDENCY.matcher(Repository.read(todo.remove(0) + "/pom.xml"));
            while (dependency.find()) {
                Matcher artifact = REPOSITORY_ARTIFACT.matcher(dependency.group(1));
                if (artifact.find()
                        && !dependency.group(1).contains("<scope>test</scope>")
                        && Files.isRegularFile(Repository.file(artifact.group(1) + "/pom.xml"))
                        && found.add(artifact.group(1))) {
                    todo.add(artifact.group(1));
                }
            }
        }
        found.remove(module);
        return found;
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
