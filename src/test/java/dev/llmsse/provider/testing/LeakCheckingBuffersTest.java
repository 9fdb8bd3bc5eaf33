package dev.llmsse.provider.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/** The leak check itself: it must notice a buffer nobody released. */
class LeakCheckingBuffersTest {

    @Test
    void anUnreleasedBufferFailsTheCheckAndSaysWhereItWasAllocated() {
        LeakCheckingBuffers buffers = new LeakCheckingBuffers();
        DataBuffer released = buffers.buffer("a");
        buffers.buffer("kept");
        DataBufferUtils.release(released);

        assertThatThrownBy(() -> buffers.assertAllReleased(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("1 of 2 buffers not released")
                .cause().hasMessageContaining("4 bytes");
    }

    @Test
    void releasedBuffersPass() {
        LeakCheckingBuffers buffers = new LeakCheckingBuffers();
        DataBufferUtils.release(buffers.buffer("a"));
        DataBufferUtils.release(buffers.buffer(new byte[0]));
        buffers.assertAllReleased(Duration.ZERO);
        assertThat(buffers.allocated()).isEqualTo(2);
    }
}
