package com.ecommerce.pipeline.query;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time (not wall time: the machine is shared) spent by the parts of one read, from counters the OS and the JVM
 * keep: this JVM's threads by name (Tomcat's {@code http-nio-*} = the service, the load's own threads and the JDK
 * HttpClient's = the client, the rest = other Java threads), what the JVM spent outside its Java threads (GC, JIT),
 * and the dynalite process ({@code /proc/<pid>/stat}, Linux).
 */
final class CpuMeter {

    static final String SERVICE = "query-api (Tomcat threads)";
    static final String CLIENT = "load client (same JVM)";
    static final String OTHER_THREADS = "other Java threads";
    static final String JVM_INTERNAL = "GC + JIT + VM (this JVM)";
    static final String DYNALITE = "dynalite (Node)";

    /** Threads the load names itself. */
    static final String CLIENT_THREAD_PREFIX = "load-client-";

    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final List<Long> dynalitePids;

    CpuMeter(List<Long> dynalitePids) {
        this.dynalitePids = dynalitePids;
    }

    /** Nanoseconds of CPU so far, by part. */
    Map<String, Long> now() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        cpu.put(SERVICE, 0L);
        cpu.put(CLIENT, 0L);
        cpu.put(OTHER_THREADS, 0L);
        long javaThreads = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t < 0) {
                continue;
            }
            javaThreads += t;
            cpu.merge(part(info.getThreadName()), t, Long::sum);
        }
        cpu.put(JVM_INTERNAL, os.getProcessCpuTime() - javaThreads);
        long node = 0;
        for (long pid : dynalitePids) {
            node += procCpu(pid);
        }
        cpu.put(DYNALITE, node);
        return cpu;
    }

    /** Bytes the service's threads allocated so far (what its young collections clear). */
    long serviceAllocated() {
        com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) threads;
        long bytes = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && part(info.getThreadName()).equals(SERVICE)) {
                bytes += Math.max(0, sun.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return bytes;
    }

    static String part(String thread) {
        if (thread.startsWith("http-nio-")) {
            return SERVICE;
        }
        if (thread.startsWith(CLIENT_THREAD_PREFIX) || thread.startsWith("HttpClient-")) {
            return CLIENT;
        }
        return OTHER_THREADS;
    }

    /** CPU per request (microseconds) between two readings; "total" sums the parts. */
    static Map<String, Double> perRequest(Map<String, Long> before, Map<String, Long> after, long requests) {
        Map<String, Double> per = new LinkedHashMap<>();
        double total = 0;
        for (var e : after.entrySet()) {
            double micros = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e3 / requests;
            per.put(e.getKey(), micros);
            total += micros;
        }
        per.put("total", total);
        return per;
    }

    /** utime + stime of a process and its children waited for, in nanoseconds. */
    private static long procCpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state=0, ..., utime=11, stime=12
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
