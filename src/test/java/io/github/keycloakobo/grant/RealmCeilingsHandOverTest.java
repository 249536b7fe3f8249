package io.github.keycloakobo.grant;

import io.github.keycloakobo.clientpolicy.OboPolicyExecutor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The obo-policy executor and the exchange core meet at one session attribute: both must name the same one. */
class RealmCeilingsHandOverTest {

    @Test
    void executorWritesTheAttributeTheExchangeReads() {
        assertEquals(OboExchangeCore.REALM_CEILINGS_ATTRIBUTE, OboPolicyExecutor.REALM_CEILINGS_ATTRIBUTE);
    }
}
