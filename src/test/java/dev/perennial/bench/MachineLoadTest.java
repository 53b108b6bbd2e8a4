package dev.perennial.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MachineLoadTest {

    @Test
    void aLoadAboveTheCoreCountIsAWarningNamingBoth() {
        assertThat(MachineLoad.warning(1.9, 2)).isEmpty();
        assertThat(MachineLoad.warning(2.0, 2)).isEmpty();
        assertThat(MachineLoad.warning(3.25, 2)).hasValueSatisfying(w -> assertThat(w)
                .startsWith("warning: the machine is busy").contains("load average 3.25 on 2 cores")
                .contains("min and max"));
    }
}
