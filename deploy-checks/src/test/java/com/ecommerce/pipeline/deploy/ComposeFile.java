package com.ecommerce.pipeline.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code docker-compose.yml} as SnakeYAML reads it (anchors and merge keys resolved), with typed accessors. */
record ComposeFile(Map<String, Object> yaml) {

    static ComposeFile load() {
        return new ComposeFile(Repository.yaml(Repository.COMPOSE));
    }

    Map<String, Object> services() {
        return map(yaml.get("services"), "services");
    }

    Map<String, Object> service(String name) {
        return map(services().get(name), "service " + name);
    }

    /** The build argument MODULE of a service built from the repository's Dockerfile, or null. */
    String module(String service) {
        Object build = service(service).get("build");
        if (!(build instanceof Map<?, ?> b) || !(b.get("args") instanceof Map<?, ?> args)) {
            return null;
        }
        Object module = args.get("MODULE");
        return module == null ? null : module.toString();
    }

    /** The environment of a service as strings (compose's map form; the list form is refused, for simplicity). */
    Map<String, String> environment(String service) {
        Object env = service(service).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env == null) {
            return result;
        }
        map(env, "environment of " + service).forEach((k, v) -> result.put(k, v == null ? null : v.toString()));
        return result;
    }

    /** Published ports as "host IP:host port:container port" strings. */
    List<String> ports(String service) {
        Object ports = service(service).get("ports");
        List<String> result = new ArrayList<>();
        if (ports instanceof List<?> list) {
            list.forEach(p -> result.add(p.toString()));
        }
        return result;
    }

    /** Container ports of a service (the right-hand side of its port mappings). */
    Set<Integer> containerPorts(String service) {
        Set<Integer> result = new java.util.TreeSet<>();
        for (String port : ports(service)) {
            result.add(Integer.parseInt(port.substring(port.lastIndexOf(':') + 1)));
        }
        return result;
    }

    /** depends_on as service name → condition. */
    Map<String, String> dependsOn(String service) {
        Object deps = service(service).get("depends_on");
        Map<String, String> result = new LinkedHashMap<>();
        if (deps instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(
                    k.toString(),
                    v instanceof Map<?, ?> c && c.get("condition") != null
                            ? c.get("condition").toString()
                            : null));
        } else if (deps instanceof List<?> l) {
            l.forEach(k -> result.put(k.toString(), "service_started"));
        }
        return result;
    }

    /** The healthcheck's test command as one string (CMD arguments joined by spaces). */
    String healthcheck(String service) {
        Object healthcheck = service(service).get("healthcheck");
        if (!(healthcheck instanceof Map<?, ?> h) || h.get("test") == null) {
            return null;
        }
        Object test = h.get("test");
        return test instanceof List<?> l
                ? String.join(" ", l.stream().map(Object::toString).toList())
                : test.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalStateException(Repository.COMPOSE + ": " + what + " is not a mapping");
        }
        return (Map<String, Object>) value;
    }
}
