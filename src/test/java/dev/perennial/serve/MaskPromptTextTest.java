package dev.perennial.serve;

import dev.perennial.gradio.GradioError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaskPromptTextTest {

    @Test
    void pointsAndBoxBecomeTheRequestsLists() {
        assertThat(MaskPromptText.points(" 30,20; 70 , 45 ,0 ;").toString()).isEqualTo("[[30.0,20.0],[70.0,45.0,0.0]]");
        assertThat(MaskPromptText.points("  ")).isEmpty();
        assertThat(MaskPromptText.box("10,5,60,50").toString()).isEqualTo("[10.0,5.0,60.0,50.0]");
    }

    @Test
    void aMalformedPointOrBoxIsNamedWithTheFormToWrite() {
        assertThatThrownBy(() -> MaskPromptText.points("30,20; 40")).isInstanceOf(GradioError.class)
                .hasMessageStartingWith("Points: '40' is not x,y or x,y,label");
        assertThatThrownBy(() -> MaskPromptText.points("30,a")).isInstanceOf(GradioError.class)
                .hasMessageStartingWith("Points: 'a' in '30,a' is not a number");
        assertThatThrownBy(() -> MaskPromptText.box("1,2,3")).isInstanceOf(GradioError.class)
                .hasMessageStartingWith("Box: '1,2,3' is not x0,y0,x1,y1");
    }
}
