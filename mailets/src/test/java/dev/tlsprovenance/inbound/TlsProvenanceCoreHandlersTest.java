package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.JamesRcptCmdHandler;
import org.apache.james.smtpserver.SendMailHandler;
import org.junit.jupiter.api.Test;

class TlsProvenanceCoreHandlersTest {

    private final List<String> handlers = new TlsProvenanceCoreHandlers().getHandlers();

    @Test
    void swapsTheStockReceivedFilterForOursSoEachHopGetsOneReceivedLine() {
        assertThat(handlers).doesNotContain(ReceivedDataLineFilter.class.getName())
            .containsOnlyOnce(TlsReceivedDataLineFilter.class.getName());
    }

    @Test
    void recordsBeforeSendMailHandlerEndsTheMessageHooks() {
        assertThat(handlers.indexOf(RecordTlsProvenanceHook.class.getName()))
            .isEqualTo(handlers.indexOf(SendMailHandler.class.getName()) - 1);
    }

    @Test
    void keepsEveryOtherCoreHandlerOfTheRunningJames() {
        List<String> core = new CoreCmdHandlerLoader().getHandlers();

        assertThat(handlers).hasSize(core.size() + 1)
            .containsAll(core.stream().filter(handler -> !handler.equals(ReceivedDataLineFilter.class.getName()))
                .filter(handler -> !handler.equals(AuthCmdHandler.class.getName()))
                .filter(handler -> !handler.equals(MailSizeEsmtpExtension.class.getName()))
                .filter(handler -> !handler.equals(JamesRcptCmdHandler.class.getName())).collect(java.util.stream.Collectors.toList()));
    }

    @Test
    void swapsJamesRcptForTheOneParsingOnlyTheParametersAfterTheAddressAtTheSamePlace() {
        List<String> core = new CoreCmdHandlerLoader().getHandlers();

        assertThat(handlers).doesNotContain(JamesRcptCmdHandler.class.getName())
            .containsOnlyOnce(RcptOptionsCmdHandler.class.getName());
        assertThat(handlers.indexOf(RcptOptionsCmdHandler.class.getName()))
            .isEqualTo(core.indexOf(JamesRcptCmdHandler.class.getName()));
    }

    @Test
    void swapsJamesAuthForTheOneRefusingAuthBeforeTlsAtTheSamePlace() {
        List<String> core = new CoreCmdHandlerLoader().getHandlers();

        assertThat(handlers).doesNotContain(AuthCmdHandler.class.getName())
            .containsOnlyOnce(TlsRequiredAuthCmdHandler.class.getName());
        assertThat(handlers.indexOf(TlsRequiredAuthCmdHandler.class.getName()))
            .isEqualTo(core.indexOf(AuthCmdHandler.class.getName()));
    }

    @Test
    void swapsJamesMailSizeForTheOneWithTheEnhancedStatusAtTheSamePlace() {
        List<String> core = new CoreCmdHandlerLoader().getHandlers();

        assertThat(handlers).doesNotContain(MailSizeEsmtpExtension.class.getName())
            .containsOnlyOnce(MailSizeWithEnhancedStatus.class.getName());
        assertThat(handlers.indexOf(MailSizeWithEnhancedStatus.class.getName()))
            .isEqualTo(core.indexOf(MailSizeEsmtpExtension.class.getName()));
    }
}
