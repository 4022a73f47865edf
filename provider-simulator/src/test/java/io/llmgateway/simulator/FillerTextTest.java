package io.llmgateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.simulator.config.SimulatorConfig;
import io.llmgateway.simulator.service.FillerText;
import io.llmgateway.simulator.service.TokenCounter;
import org.junit.jupiter.api.Test;

/** The filler's promise: n tokens of filler re-tokenize to exactly n, and chunks add up to the text. */
class FillerTextTest {

    private static final SimulatorConfig CONFIG = () -> new SimulatorConfig.Simulator() {
        @Override
        public int maxOutputTokens() {
            return 400;
        }

        @Override
        public int statsHistory() {
            return 10;
        }

        @Override
        public int recordedRequests() {
            return 5;
        }

        @Override
        public int cachePrefixes() {
            return 10;
        }
    };

    @Test
    void everyPrefixCountsExactly() {
        FillerText filler = new FillerText(CONFIG);
        for (int n = 0; n <= 400; n++) {
            assertEquals(n, TokenCounter.count(filler.text(n)), "prefix of " + n + " tokens");
            assertEquals(n, filler.countOf(n));
        }
    }

    @Test
    void everyThinkingPrefixCountsExactly() {
        FillerText thinking = FillerText.thinking(400);
        for (int n = 0; n <= 400; n++) {
            assertEquals(n, TokenCounter.count(thinking.text(n)), "prefix of " + n + " tokens");
        }
        assertEquals(false, thinking.text(20).equals(new FillerText(CONFIG).text(20)));
    }

    @Test
    void chunksJoinToTheText() {
        FillerText filler = new FillerText(CONFIG);
        assertEquals(filler.text(37), String.join("", filler.chunks(37, 4)));
        assertEquals(10, filler.chunks(37, 4).size());
    }
}
