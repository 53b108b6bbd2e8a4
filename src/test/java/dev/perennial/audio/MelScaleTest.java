package dev.perennial.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MelScaleTest {

    @Test
    void htkAndSlaneyAgreeWithTheirFormulas() {
        assertEquals(2595.0 * Math.log10(1 + 1000.0 / 700), MelScale.HTK.toMel(1000), 1e-12);
        assertEquals(15.0, MelScale.SLANEY.toMel(1000), 1e-12); // the linear and log parts meet at 1 kHz
        assertEquals(3.0, MelScale.SLANEY.toMel(200), 1e-12);
        assertEquals(15.0 + 27.0, MelScale.SLANEY.toMel(6400), 1e-12); // 27 mels per factor 6.4
    }

    @Test
    void toHertzInvertsToMel() {
        for (double hz : new double[] {0, 50, 700, 999, 1000, 4000, 14_000}) {
            for (MelScale s : MelScale.values()) {
                assertEquals(hz, s.toHertz(s.toMel(hz)), 1e-9, s + " " + hz);
            }
        }
    }
}
