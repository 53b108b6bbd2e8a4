package dev.perennial.plot;

import dev.perennial.io.AtomicFiles;

import java.awt.geom.Ellipse2D;
import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * A PNG line chart drawn with Java2D (headless): one or more series, dashed vertical markers with labels, and
 * text labels placed at data coordinates. Enough for learning-rate and loss curves, with no dependency.
 */
public final class LineChart {

    /**
     * A polyline; consecutive points are joined, so a jump is two points at the same x. With {@code points}, each
     * point is also drawn as a dot, and {@code joined = false} draws only the dots (a scatter).
     */
    public record Series(String label, double[] x, double[] y, Color color, boolean points, boolean joined) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + label + ": " + x.length + " x but " + y.length + " y");
            }
        }

        public Series(String label, double[] x, double[] y, Color color) {
            this(label, x, y, color, false, true);
        }
    }

    /** A dashed vertical line at {@code x}, labelled at the top. */
    public record Marker(double x, String label) {
    }

    /** Text centred at data coordinates {@code (x, y)}, nudged above the point. */
    public record Label(double x, double y, String text) {
    }

    /** Twelve distinguishable colours (Tableau 10 and two more), so a dozen runs get a colour each. */
    public static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
            new Color(0xbcbd22), new Color(0x7f7f7f), new Color(0x000080), new Color(0x00a000)};

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TITLE_AND_LEGEND = 52;
    private static final int LEGEND_ROW = 18;
    private static final int BOTTOM = 70;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private final List<Label> labels = new ArrayList<>();
    private DoubleFunction<String> yTickFormat = Ticks::format;
    private boolean yFromZero = true;
    /** The plot area's top edge: below the title and however many rows the legend needs. */
    private int top;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    public LineChart add(Marker m) {
        markers.add(m);
        return this;
    }

    public LineChart add(Label l) {
        labels.add(l);
        return this;
    }

    /** Whether the vertical axis starts at 0 (learning rates) or just below the data (losses). */
    public LineChart yFromZero(boolean fromZero) {
        this.yFromZero = fromZero;
        return this;
    }

    public LineChart yTickFormat(DoubleFunction<String> format) {
        this.yTickFormat = format;
        return this;
    }

    /** Renders the chart and writes it atomically as a PNG. */
    public void writePng(Path file) {
        BufferedImage image = render();
        AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
    }

    public BufferedImage render() {
        top = TITLE_AND_LEGEND + LEGEND_ROW * legendRows();
        double[] xr = range(true);
        double[] yr = range(false);
        double[] xTicks = Ticks.nice(xr[0], xr[1], 8);
        double[] yTicks = Ticks.nice(yFromZero ? Math.min(0, yr[0]) : yr[0], yr[1], 6);
        Frame frame = new Frame(xTicks[0], xTicks[xTicks.length - 1], yTicks[0], yTicks[yTicks.length - 1], top);

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawAxes(g, frame, xTicks, yTicks);
            drawMarkers(g, frame);
            drawSeries(g, frame);
            drawLabels(g, frame);
            drawTitleAndLegend(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Maps data coordinates to pixels inside the plot area. */
    private record Frame(double x0, double x1, double y0, double y1, int top) {
        double px(double x) {
            return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - top - BOTTOM);
        }
    }

    /** Rows the legend wraps into at this width (measured with the legend's font). */
    private int legendRows() {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int rows = 1;
        int x = LEFT;
        for (Series s : series) {
            int width = 24 + fm.stringWidth(s.label()) + 24;
            if (x + width > WIDTH - RIGHT && x > LEFT) {
                rows++;
                x = LEFT;
            }
            x += width;
        }
        g.dispose();
        return rows;
    }

    private double[] range(boolean forX) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : forX ? s.x() : s.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        return lo == hi ? new double[] {lo - 0.5 * Math.max(1e-12, Math.abs(lo)), hi + 0.5 * Math.max(1e-12, Math.abs(hi))}
                : new double[] {lo, hi};
    }

    private void drawAxes(Graphics2D g, Frame f, double[] xTicks, double[] yTicks) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (double t : yTicks) {
            int y = (int) Math.round(f.py(t));
            g.setColor(new Color(0xeeeeee));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String text = yTickFormat.apply(t);
            g.drawString(text, LEFT - 8 - fm.stringWidth(text), y + fm.getAscent() / 2 - 1);
        }
        for (double t : xTicks) {
            int x = (int) Math.round(f.px(t));
            g.setColor(new Color(0xeeeeee));
            g.drawLine(x, top, x, HEIGHT - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String text = Ticks.format(t);
            g.drawString(text, x - fm.stringWidth(text) / 2, HEIGHT - BOTTOM + fm.getAscent() + 6);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, top, WIDTH - LEFT - RIGHT, HEIGHT - top - BOTTOM);
        g.drawString(xLabel, LEFT + (WIDTH - LEFT - RIGHT - fm.stringWidth(xLabel)) / 2, HEIGHT - 20);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(top + (HEIGHT - top - BOTTOM + fm.stringWidth(yLabel)) / 2), 22);
        rotated.dispose();
    }

    private void drawMarkers(Graphics2D g, Frame f) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        FontMetrics fm = g.getFontMetrics();
        for (Marker m : markers) {
            int x = (int) Math.round(f.px(m.x()));
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(x, top, x, HEIGHT - BOTTOM);
            g.setStroke(new BasicStroke());
            g.setColor(Color.BLACK);
            g.drawString(m.label(), x + 4, top + fm.getAscent() + 2);
        }
    }

    private void drawSeries(Graphics2D g, Frame f) {
        g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Series s : series) {
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i < s.x().length; i++) {
                double px = f.px(s.x()[i]);
                double py = f.py(s.y()[i]);
                if (i == 0) {
                    path.moveTo(px, py);
                } else {
                    path.lineTo(px, py);
                }
            }
            g.setColor(s.color());
            if (s.joined()) {
                g.draw(path);
            }
            if (s.points()) {
                for (int i = 0; i < s.x().length; i++) {
                    g.fill(new Ellipse2D.Double(f.px(s.x()[i]) - 5, f.py(s.y()[i]) - 5, 10, 10));
                }
            }
        }
        g.setStroke(new BasicStroke());
    }

    private void drawLabels(Graphics2D g, Frame f) {
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(new Color(0x444444));
        for (Label l : labels) {
            int x = (int) Math.round(f.px(l.x())) - fm.stringWidth(l.text()) / 2;
            int y = (int) Math.round(f.py(l.y())) - 8;
            g.drawString(l.text(), x, Math.max(top + 2 * fm.getHeight(), y));
        }
    }

    private void drawTitleAndLegend(Graphics2D g) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int x = LEFT;
        int y = 44;
        for (Series s : series) {
            if (s.label().isEmpty()) {
                continue;
            }
            int width = 24 + fm.stringWidth(s.label()) + 24;
            if (x + width > WIDTH - RIGHT && x > LEFT) {
                x = LEFT;
                y += LEGEND_ROW;
            }
            g.setColor(s.color());
            g.fillRect(x, y, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.label(), x + 24, y + fm.getAscent() / 2);
            x += width;
        }
    }
}
