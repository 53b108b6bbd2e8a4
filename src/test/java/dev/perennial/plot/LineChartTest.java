package dev.perennial.plot;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;

import static org.assertj.core.api.Assertions.assertThat;

class LineChartTest {

    @Test
    void drawsEachSeriesInItsColour() {
        LineChart chart = new LineChart("t", "x", "y")
                .add(new LineChart.Series("rising", new double[] {0, 10}, new double[] {0, 1}, Color.RED))
                .add(new LineChart.Series("flat", new double[] {10, 20}, new double[] {0.5, 0.5}, Color.BLUE));
        BufferedImage image = chart.render();
        assertThat(countPixels(image, Color.RED)).isGreaterThan(200);
        assertThat(countPixels(image, Color.BLUE)).isGreaterThan(200);
    }

    @Test
    void ticksAreRoundAndCoverTheRange() {
        double[] lr = Ticks.nice(0, 3e-4, 6);
        assertThat(lr).hasSize(7);
        for (int i = 0; i < lr.length; i++) {
            assertThat(lr[i]).isCloseTo(i * 5e-5, org.assertj.core.api.Assertions.within(1e-18));
        }
        double[] ticks = Ticks.nice(3, 997, 8);
        assertThat(ticks[0]).isLessThanOrEqualTo(3);
        assertThat(ticks[ticks.length - 1]).isGreaterThanOrEqualTo(997);
        assertThat(Ticks.format(1500)).isEqualTo("1.5k");
        assertThat(Ticks.format(2.5e-4)).isEqualTo("2.5e-4");
        assertThat(Ticks.format(3_000_000)).isEqualTo("3M");
    }

    private static int countPixels(BufferedImage image, Color color) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (image.getRGB(x, y) == color.getRGB()) {
                    count++;
                }
            }
        }
        return count;
    }
}
