package dev.perennial.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The inverse of the monotonic rational-quadratic spline of VITS's duration flows (modeling_vits.py,
 * _unconstrained_rational_quadratic_spline and _rational_quadratic_spline with reverse=True): K bins on
 * [−tail, tail] whose widths, heights and inner knot derivatives come from unnormalised values; identity outside.
 */
final class Spline {

    static final double MIN_BIN_WIDTH = 1e-3;
    static final double MIN_BIN_HEIGHT = 1e-3;
    static final double MIN_DERIVATIVE = 1e-3;

    private Spline() {
    }

    /**
     * x for y (any shape S), given unnormalised widths and heights [S…, K] and inner derivatives [S…, K − 1]; the
     * two outer derivatives are fixed so that softplus gives exactly 1 there.
     */
    static Tensor inverse(Tensor y, Tensor unnormalizedWidths, Tensor unnormalizedHeights,
                          Tensor unnormalizedDerivatives, double tail) {
        long bins = unnormalizedWidths.size(-1);
        double edge = Math.log(Math.exp(1 - MIN_DERIVATIVE) - 1);
        Tensor derivatives = torch.softplus(torch.constant_pad_nd(unnormalizedDerivatives, new long[] {1, 1},
                new Scalar(edge))).add(new Scalar(MIN_DERIVATIVE));
        Tensor cumWidths = knots(unnormalizedWidths, MIN_BIN_WIDTH, tail);
        Tensor cumHeights = knots(unnormalizedHeights, MIN_BIN_HEIGHT, tail);
        Tensor widths = cumWidths.narrow(-1, 1, bins).sub(cumWidths.narrow(-1, 0, bins));
        Tensor heights = cumHeights.narrow(-1, 1, bins).sub(cumHeights.narrow(-1, 0, bins));

        Tensor locations = cumHeights.clone();
        locations.narrow(-1, bins, 1).add_(new Scalar(1e-6));
        // points beyond the tails get a clamped bin; where() below keeps them as they are
        Tensor bin = y.unsqueeze(-1).ge(locations).sum(new long[] {-1}, false, new ScalarTypeOptional())
                .sub(new Scalar(1)).clamp(new ScalarOptional(new Scalar(0)), new ScalarOptional(new Scalar(bins - 1)))
                .unsqueeze(-1);

        Tensor binLeft = pick(cumWidths, bin);
        Tensor binWidth = pick(widths, bin);
        Tensor binBottom = pick(cumHeights, bin);
        Tensor binHeight = pick(heights, bin);
        Tensor delta = pick(heights.div(widths), bin);
        Tensor d0 = pick(derivatives, bin);
        Tensor d1 = pick(derivatives.narrow(-1, 1, bins), bin);

        Tensor slopes = d0.add(d1).sub(delta.mul(new Scalar(2)));
        Tensor dy = y.sub(binBottom);
        Tensor a = binHeight.mul(delta.sub(d0)).add(dy.mul(slopes));
        Tensor b = binHeight.mul(d0).sub(dy.mul(slopes));
        Tensor c = delta.neg().mul(dy);
        Tensor discriminant = b.pow(new Scalar(2)).sub(a.mul(c).mul(new Scalar(4)));
        Tensor theta = c.mul(new Scalar(2)).div(b.neg().sub(discriminant.sqrt()));
        Tensor x = theta.mul(binWidth).add(binLeft);
        Tensor inside = y.ge(new Scalar(-tail)).logical_and(y.le(new Scalar(tail)));
        return torch.where(inside, x, y);
    }

    /** The K + 1 knot positions on [−tail, tail]: softmax, a minimum share per bin, cumulative, ends pinned. */
    private static Tensor knots(Tensor unnormalized, double minimum, double tail) {
        long bins = unnormalized.size(-1);
        Tensor share = unnormalized.softmax(-1).mul(new Scalar(1 - minimum * bins)).add(new Scalar(minimum));
        Tensor cumulative = torch.constant_pad_nd(torch.cumsum(share, -1), new long[] {1, 0}, new Scalar(0))
                .mul(new Scalar(2 * tail)).sub(new Scalar(tail));
        cumulative.narrow(-1, 0, 1).fill_(new Scalar(-tail));
        cumulative.narrow(-1, bins, 1).fill_(new Scalar(tail));
        return cumulative;
    }

    private static Tensor pick(Tensor values, Tensor bin) {
        return torch.gather(values, -1, bin).squeeze(-1);
    }
}
