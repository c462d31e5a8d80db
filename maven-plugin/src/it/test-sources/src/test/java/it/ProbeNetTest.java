package it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import it.testnets.ProbeNet;
import org.junit.jupiter.api.Test;

class ProbeNetTest {
    @Test
    void theTestNetworkIsGeneratedForTests() {
        assertEquals(20, ProbeNet.INPUT_SIZE);
        assertEquals(4, ProbeNet.OUTPUT_SIZE);
    }
}
