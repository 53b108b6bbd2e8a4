package dev.perennial.data;

/** A 64-bit mixing function (SplitMix64's finaliser) to derive independent keys and offsets from a seed. */
final class Mix {

    private Mix() {
    }

    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long part : parts) {
            h = finalise(h ^ finalise(part + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    /** Mixes a hex content hash (its first 64 bits) with more parts. */
    static long mix(String hexHash, long... parts) {
        long[] all = new long[parts.length + 1];
        all[0] = Long.parseUnsignedLong(hexHash.substring(0, 16), 16);
        System.arraycopy(parts, 0, all, 1, parts.length);
        return mix(all);
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
