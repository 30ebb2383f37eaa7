package com.ecommerce.pipeline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** Files of the repository this module checks (the root is {@code -Ddeploy.repository.root}, set by the pom). */
final class Repository {

    static final String COMPOSE = "docker-compose.yml";
    static final String DOCKERFILE = "Dockerfile";
    static final String LOCAL_CLOUD_CONFIG = "config/local-cloud.yml";
    static final String CLOUD_RESOURCES = "local-cloud/src/main/resources/cloud-resources.json";

    private Repository() {}

    static Path root() {
        String configured = System.getProperty("deploy.repository.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(COMPOSE)) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (with " + COMPOSE + ") at or above " + start);
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A YAML file as plain maps and lists (SnakeYAML resolves anchors and {@code <<} merge keys, as compose does). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String relative) {
        Object loaded = new Yaml().load(read(relative));
        return loaded == null ? Map.of() : (Map<String, Object>) loaded;
    }

    /** Nested YAML maps flattened to dotted property names ({@code spring.cloud.aws.region.static}). */
    static Map<String, Object> flatten(Map<String, Object> yaml) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", yaml, flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, Object> into) {
        map.forEach((key, value) -> {
            String name = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name, (Map<String, Object>) nested, into);
            } else {
                into.put(name, value);
            }
        });
    }
}
