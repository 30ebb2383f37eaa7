package com.ecommerce.pipeline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What Linux's /proc says about the machine and about a process (Linux only, as ./pipeline is). */
final class ProcStats {

    /** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on. */
    static final double TICKS = 100.0;

    private ProcStats() {}

    /** The machine, for the report's header: name → value. */
    static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cores (`nproc`)", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("CPU", grepFirst(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        m.put(
                "memory",
                grepFirst(Path.of("/proc/meminfo"), "MemTotal")
                        .map(v -> Stats.mb(Long.parseLong(v.replaceAll("\\D", ""))))
                        .orElse("unknown"));
        m.put(
                "OS",
                osName() + ", kernel "
                        + read(Path.of("/proc/sys/kernel/osrelease")).strip());
        m.put(
                "Java",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                        + System.getProperty("java.vendor") + ")");
        return m;
    }

    static String loadAverage() {
        String[] f = read(Path.of("/proc/loadavg")).split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
    }

    /** Peak resident set size (VmHWM) in KiB, or -1 if the process is gone. */
    static long peakRssKib(long pid) {
        return status(pid, "VmHWM");
    }

    static long rssKib(long pid) {
        return status(pid, "VmRSS");
    }

    /** User + system CPU seconds the process has used so far (its own threads, not its children). */
    static double cpuSeconds(long pid) {
        return cpuTicks(pid, false);
    }

    /**
     * As {@link #cpuSeconds}, plus the CPU of its children that have exited and been waited for (cutime + cstime):
     * PostgreSQL's postmaster reaps the backends of closed connections, whose CPU would otherwise vanish from a
     * before/after difference. (A child alive at both ends counts by its own difference; one that exited in between
     * counts whole in the parent's, so the difference of these totals is exact.)
     */
    static double cpuSecondsWithExitedChildren(long pid) {
        return cpuTicks(pid, true);
    }

    private static double cpuTicks(long pid, boolean withExitedChildren) {
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] f = stat.substring(close + 2).split(" ");
        // after "(comm) ": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (withExitedChildren) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks / TICKS;
    }

    /**
     * The PostgreSQL server listening on {@code port}: its postmaster ({@code .../bin/postgres ... -p PORT}), or -1.
     * {@code pg_ctl} starts it as a daemon, so it is no descendant of the local cloud's JVM.
     */
    static long postmaster(int port) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                List<String> args = List.of(read(p.resolve("cmdline")).split("\0"));
                int flag = args.indexOf("-p");
                if (!args.isEmpty()
                        && args.get(0).endsWith("/bin/postgres")
                        && flag >= 0
                        && flag + 1 < args.size()
                        && args.get(flag + 1).equals(String.valueOf(port))) {
                    return Long.parseLong(name);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** The process and all its descendants, parents first. */
    static List<Long> withDescendants(long root) {
        Map<Long, List<Long>> children = new LinkedHashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat = read(p.resolve("stat"));
                int close = stat.lastIndexOf(')');
                if (close < 0) {
                    continue;
                }
                long ppid = Long.parseLong(stat.substring(close + 2).split(" ")[1]);
                children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(name));
            }
        } catch (IOException e) {
            return List.of(root);
        }
        List<Long> out = new ArrayList<>();
        out.add(root);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(children.getOrDefault(out.get(i), List.of()));
        }
        return out;
    }

    /** A JVM's options as started: its arguments between the java executable and {@code -jar}; "" if gone. */
    static String jvmOptions(long pid) {
        List<String> args = List.of(read(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
        int jar = args.indexOf("-jar");
        return jar < 1 ? "" : String.join(" ", args.subList(1, jar));
    }

    /** A short name for a process: what it runs (the jar, the emulator, postgres). */
    static String describe(long pid) {
        String cmd =
                read(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').strip();
        if (cmd.isEmpty()) {
            return "(gone)";
        }
        // Both Node.js emulators run as `node -e <watchdog> node_modules/<emulator>/… <args>`: named by their module.
        if (cmd.contains("dynalite")) {
            return "dynalite (node)";
        }
        if (cmd.contains("kinesalite")) {
            return "kinesalite (node)";
        }
        if (cmd.contains("kinesis")) {
            return "kinesis-local (node)";
        }
        if (cmd.contains("s3mock")) {
            return "S3Mock (java)";
        }
        if (cmd.startsWith("postgres") || cmd.contains("/bin/postgres")) {
            return "PostgreSQL";
        }
        if (cmd.contains("/bin/sh")) {
            return "watchdog (sh)";
        }
        String[] parts = cmd.split(" ");
        return parts[0].substring(parts[0].lastIndexOf('/') + 1);
    }

    private static long status(long pid, String field) {
        return grepFirst(Path.of("/proc/" + pid + "/status"), field)
                .map(v -> Long.parseLong(v.replaceAll("\\D", "")))
                .orElse(-1L);
    }

    private static java.util.Optional<String> grepFirst(Path file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key)) {
                return java.util.Optional.of(
                        line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return java.util.Optional.empty();
    }

    private static String osName() {
        for (String line : read(Path.of("/etc/os-release")).split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return System.getProperty("os.name");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
