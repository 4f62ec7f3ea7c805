package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.testing.james.JamesTestServer;

/** A bad parameter stops a real James at start-up, with a message naming the parameter and the value. */
class InboundConfigurationErrorsTest {

    @Test
    void badUntrustedHeadersValueStopsJames() {
        Throwable failure = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
            .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
            .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\">\n"
                + "  <untrustedHeaders>drop</untrustedHeaders>\n"
                + "</mailet>")
            .build()
            .startExpectingFailure();

        assertThat(JamesTestServer.causeMessages(failure))
            .contains("Invalid value 'drop' for parameter 'untrustedHeaders' of AddTlsProvenanceHeaders");
    }

    @Test
    void unknownMinimumProtocolStopsJames() {
        Throwable failure = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
            .withMailets("<mailet match=\"dev.tlsprovenance.matchers.ReceivedOverTls=minProtocol=TLSv1.4\" class=\"Null\"/>")
            .build()
            .startExpectingFailure();

        assertThat(JamesTestServer.causeMessages(failure))
            .contains("Invalid condition 'minProtocol=TLSv1.4' for matcher ReceivedOverTls")
            .contains("unknown protocol 'TLSv1.4'");
    }
}
