package dev.tlsprovenance.benchmarks.inbound;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;

/**
 * Benchmark control, not a product handler package: James's core handlers with a Received filter that writes
 * a constant header exactly as long (same 7 folded lines) as the TLS-aware one of {@code TlsReceivedDataLineFilter},
 * computing nothing. As B's {@code bench.b.coreHandlersPackage} (with {@code -Dbench.b.mailets=}) it measures what
 * the longer header alone costs stock James, to set against what our core handlers cost.
 */
public class StaticSizedReceivedHandlers implements HandlersPackage {

    @Override
    public List<String> getHandlers() {
        List<String> handlers = new ArrayList<>();
        for (String handler : new CoreCmdHandlerLoader().getHandlers()) {
            handlers.add(handler.equals(ReceivedDataLineFilter.class.getName()) ? SizedReceived.class.getName() : handler);
        }
        return handlers;
    }

    /** The text B writes for the benchmark's client, with fixed session id, recipient and date. */
    public static class SizedReceived extends ReceivedDataLineFilter {
        @Override
        protected Collection<Header> headers(SMTPSession session) {
            Header header = new Header("Received", "from localhost (EHLO client.test) ([127.0.0.1])");
            header.add("(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))");
            header.add("by mx.james.test (JAMES SMTP Server ) with ESMTPS ID c66d4735");
            header.add("for <bob@james.test>");
            header.add("tls TLS_AES_256_GCM_SHA384;");
            header.add("Sun, 29 Nov 2026 12:10:45 +0000 (UTC)");
            return List.of(header);
        }
    }
}
