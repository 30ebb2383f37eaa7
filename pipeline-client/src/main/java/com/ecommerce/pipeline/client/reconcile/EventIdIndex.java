package com.ecommerce.pipeline.client.reconcile;

import java.util.Arrays;
import java.util.UUID;

/**
 * Event ids (the canonical UUID text {@code EventIds} gives) numbered 0, 1, 2… in the order they were
 * added, held as two longs each in an open-addressing table: ~40 bytes per id, where a {@code
 * HashMap<String, Integer>} with a list of the strings took ~150. A reconcile of a 30-minute soak holds
 * millions of expected ids, and ran out of a 1 GB heap before this.
 */
final class EventIdIndex {

    private long[] high = new long[1024];
    private long[] low = new long[1024];
    private int size;
    /** Open addressing, linear probing: position + 1 of the id in each slot, 0 for an empty slot. */
    private int[] slots = new int[2048];

    int size() {
        return size;
    }

    /**
     * The position of {@code eventId}, adding it at the end when it is new; -1 when it is already there. Only
     * canonical UUID text is accepted (what every event id is).
     */
    int add(String eventId) {
        UUID id = canonical(eventId);
        if (id == null) {
            throw new IllegalArgumentException("not an event id (a canonical UUID): " + eventId);
        }
        if (find(id.getMostSignificantBits(), id.getLeastSignificantBits()) >= 0) {
            return -1;
        }
        if (size == high.length) {
            high = Arrays.copyOf(high, size * 2);
            low = Arrays.copyOf(low, size * 2);
        }
        if ((size + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        int i = size++;
        high[i] = id.getMostSignificantBits();
        low[i] = id.getLeastSignificantBits();
        slots[freeSlot(high[i], low[i])] = i + 1;
        return i;
    }

    /** The position of {@code eventId}, or -1 when it was never added (or is not an event id at all). */
    int indexOf(String eventId) {
        UUID id = canonical(eventId);
        return id == null ? -1 : find(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    String id(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return new UUID(high[i], low[i]).toString();
    }

    private int find(long h, long l) {
        int mask = slots.length - 1;
        for (int s = hash(h, l) & mask; slots[s] != 0; s = (s + 1) & mask) {
            int i = slots[s] - 1;
            if (high[i] == h && low[i] == l) {
                return i;
            }
        }
        return -1;
    }

    private int freeSlot(long h, long l) {
        int mask = slots.length - 1;
        int s = hash(h, l) & mask;
        while (slots[s] != 0) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        for (int i = 0; i < size; i++) {
            slots[freeSlot(high[i], low[i])] = i + 1;
        }
    }

    /** Event ids are SHA-256 prefixes: their bits are already uniform; mixing guards against other UUIDs. */
    private static int hash(long h, long l) {
        long x = h ^ Long.rotateLeft(l, 32);
        x *= 0x9E3779B97F4A7C15L;
        return (int) (x ^ (x >>> 32));
    }

    /** The UUID of canonical lower-case UUID text, else null: another spelling of an id is another id. */
    private static UUID canonical(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        try {
            UUID id = UUID.fromString(text);
            return id.toString().equals(text) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
