package dev.switchboard.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SortTest {

    @Test
    void theSortsAreNamedOnTheWireInLowerCaseAndNothingElseIsOne() {
        assertThat(Sort.of("price")).isEqualTo(Sort.PRICE);
        assertThat(Sort.of("throughput")).isEqualTo(Sort.THROUGHPUT);
        assertThat(Sort.of("latency")).isEqualTo(Sort.LATENCY);
        assertThat(Sort.of("PRICE")).isNull();
        assertThat(Sort.of("weighted")).isNull();
        assertThat(Sort.of(null)).isNull();
        assertThat(Sort.choices()).isEqualTo("price, throughput or latency");
    }
}
