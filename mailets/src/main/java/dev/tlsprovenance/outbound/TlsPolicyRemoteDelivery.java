package dev.tlsprovenance.outbound;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.TlsProvenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers remote mail under the per-namespace TLS policy ({@code conf/tls-policy.conf}): a drop-in for James's
 * {@code RemoteDelivery}. Recipients are split by domain; each domain's row gives the level
 * ({@code none, may, encrypt, verify, secure, fingerprint}), trust, pins, client certificate and route
 * (the row's smarthosts, else the domain's MX hosts). Mail waits in its own James MailQueue and is retried on the
 * {@code delays} schedule; TLS failures are temporary until {@code maxRetries} is spent, then the remaining
 * recipients get an RFC 3464 DSN (5.7.10, 5.7.5, 5.7.30 or the peer's own code) naming the reason. Delivered
 * recipients are never sent again. Every attempt is recorded on the mail (attribute
 * {@code dev.tlsprovenance.outbound}), logged on one line (logger {@code dev.tlsprovenance.outbound.attempts}) and
 * appended to the JSON-lines ledger. Mails for the same next hop share pooled TLS connections.
 * <pre>{@code
 * <processor state="transport" enableJmx="true">
 *   ...
 *   <mailet match="HostIsNotLocal" class="dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery">
 *     <outgoingQueue>outgoing-tls</outgoingQueue>
 *     <delays>5s, 1m, 5m, 30m</delays>
 *     <maxRetries>5</maxRetries>
 *     <heloName>mail.example.com</heloName>
 *     <connectionTimeout>30s</connectionTimeout>
 *     <readTimeout>2m</readTimeout>
 *     <deliveryThreads>4</deliveryThreads>
 *     <maxIdleConnectionsPerHop>4</maxIdleConnectionsPerHop>
 *     <idleTimeout>30s</idleTimeout>
 *     <ledger>file://var/tls-ledger/outbound.jsonl</ledger>
 *     <ledgerMaxBytes>10485760</ledgerMaxBytes>
 *     <!-- optional: hand failures to a processor (e.g. with DSNBounce) instead of our own DSN -->
 *     <!-- <bounceProcessor>bounces</bounceProcessor> -->
 *   </mailet>
 * </processor>
 * }</pre>
 * Needs the Guice module {@code dev.tlsprovenance.guice.TlsProvenanceModule} (extensions.properties).
 */
public class TlsPolicyRemoteDelivery extends GenericMailet {
    /** Attempts made so far (int), kept on the queued mail. */
    public static final AttributeName RETRIES = AttributeName.of("dev.tlsprovenance.outbound.retries");
    /** First time the mail reached this mailet (epoch millis, long), for the DSN's Arrival-Date. */
    public static final AttributeName ARRIVAL = AttributeName.of("dev.tlsprovenance.outbound.arrival");
    /**
     * A fresh token (string) each time this mailet puts the mail into its queue: tells a rolled-back queue message
     * from the copy re-queued out of it, whatever the attempt count says.
     */
    public static final AttributeName QUEUED_AS = AttributeName.of("dev.tlsprovenance.outbound.queued-as");
    /** Last temporary failure, for operators inspecting the queue. */
    public static final AttributeName LAST_ERROR = AttributeName.of("dev.tlsprovenance.outbound.last-error");
    /** RFC 8689, named as James 3.9 names it. */
    public static final AttributeName REQUIRETLS = AttributeName.of("REQUIRETLS");
    /** Read by James's DSNBounce when a bounceProcessor is configured. */
    static final AttributeName DELIVERY_ERROR = FailedRecipientBounces.DELIVERY_ERROR;

    private static final Logger LOGGER = LoggerFactory.getLogger(TlsPolicyRemoteDelivery.class);
    private static final Logger ATTEMPTS = LoggerFactory.getLogger("dev.tlsprovenance.outbound.attempts");

    private final TlsPolicySource policies;
    private final MailQueueFactory<?> queueFactory;
    private final NextHopResolver mxResolver;
    private final FileSystem fileSystem;
    private final Clock clock;

    private DeliverySettings settings;
    private MailQueue queue;
    private ConnectionPool pool;
    private OutboundDelivery delivery;
    private Optional<OutboundLedger> ledger;
    private Scheduler deliveryThreads;
    private Scheduler dequeueThread;
    private ScheduledExecutorService evictor;
    private Disposable dequeuer;
    private FailedRecipientBounces bounces;
    private ScheduledExecutorService heldItems;
    private final SettledRecipients settledRecipients = new SettledRecipients();

    @Inject
    public TlsPolicyRemoteDelivery(TlsPolicySource policies, MailQueueFactory<?> queueFactory, DNSService dns, FileSystem fileSystem) {
        this(policies, queueFactory, new DnsMxResolver(dns), fileSystem, Clock.systemUTC());
    }

    /** For tests and embedders: any next-hop resolver, any clock. */
    public TlsPolicyRemoteDelivery(TlsPolicySource policies, MailQueueFactory<?> queueFactory, NextHopResolver mxResolver,
                                   FileSystem fileSystem, Clock clock) {
        this.policies = policies;
        this.queueFactory = queueFactory;
        this.mxResolver = mxResolver;
        this.fileSystem = fileSystem;
        this.clock = clock;
    }

    @Override
    public String getMailetInfo() {
        return "TLS policy remote delivery";
    }

    @Override
    public void init() throws MessagingException {
        settings = DeliverySettings.read(this::getInitParameter, this::defaultHeloName);
        ledger = settings.ledger().map(this::ledgerAt);
        bounces = new FailedRecipientBounces(getMailetContext(), settings.heloName(), settings.bounceProcessor(), clock);
        queue = queueFactory.createQueue(MailQueueName.of(settings.outgoingQueue()));
        SmtpConnector connector = new SmtpConnector(settings.heloName(), settings.connectionTimeout(), settings.readTimeout(), clock);
        pool = new ConnectionPool(connector, settings.maxIdleConnectionsPerHop(), settings.idleTimeout());
        delivery = new OutboundDelivery(pool, new OutboundTlsCache(clock), clock);
        evictor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-delivery-idle-evictor");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(100, settings.idleTimeout().toMillis() / 2);
        evictor.scheduleWithFixedDelay(pool::evictIdle, every, every, TimeUnit.MILLISECONDS);
        heldItems = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-delivery-held-items");
            thread.setDaemon(true);
            return thread;
        });
        deliveryThreads = Schedulers.newBoundedElastic(settings.deliveryThreads(), 10_000, "tls-delivery");
        // A persistent queue (James's ActiveMQ/JMS queue) dequeues with a blocking receive on the subscribing thread:
        // subscribe on a thread of our own, or init() never returns and James never finishes starting.
        dequeueThread = Schedulers.newSingle("tls-delivery-dequeue", true);
        dequeuer = Flux.from(queue.deQueue())
            .subscribeOn(dequeueThread)
            .flatMap(item -> Mono.fromRunnable(() -> process(item)).subscribeOn(deliveryThreads), settings.deliveryThreads())
            .subscribe();
        LOGGER.info("TlsPolicyRemoteDelivery ready: queue={} delays={} maxRetries={} helo={} ledger={}", settings.outgoingQueue(),
            settings.retrySchedule().delays(), settings.maxRetries(), settings.heloName(),
            ledger.map(l -> l.file().toString()).orElse("none"));
    }

    private String defaultHeloName() {
        Object helo = getMailetContext().getAttribute("org.apache.james.HelloName");
        return helo == null ? "localhost" : helo.toString();
    }

    private OutboundLedger ledgerAt(String location) {
        Path file;
        try {
            file = location.startsWith("file://") || location.startsWith("classpath:")
                ? fileSystem.getFile(location).toPath() : Path.of(location);
        } catch (IOException e) {
            throw new UncheckedIOException("ledger: cannot resolve '" + location + "'", e);
        }
        return new OutboundLedger(file, settings.ledgerMaxBytes(), 5);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            return;
        }
        if (mail.getAttribute(ARRIVAL).isEmpty()) {
            mail.setAttribute(new Attribute(ARRIVAL, AttributeValue.of(clock.millis())));
        }
        markQueuedAs(mail, newQueueToken());
        queue.enQueue(mail);
        mail.setState(Mail.GHOST);
    }

    @Override
    public void destroy() {
        if (dequeuer != null) {
            dequeuer.dispose();
        }
        if (deliveryThreads != null) {
            deliveryThreads.dispose();
        }
        if (dequeueThread != null) {
            dequeueThread.dispose();
        }
        if (evictor != null) {
            evictor.shutdownNow();
        }
        if (heldItems != null) {
            // items waiting to be rolled back go back to their queue now, not when the broker notices the closed session
            heldItems.shutdownNow().forEach(Runnable::run);
        }
        if (pool != null) {
            pool.close();
        }
    }

    /**
     * Acknowledges the dequeued item only once the next state of every recipient is stored: delivered, bounced (the
     * DSN or the failed copy handed to the mailet container) or re-queued. Otherwise the item is rolled back into its
     * queue (after the wait of its next retry, so a full disk is not hammered) and the recipients already settled are
     * remembered, so that the message coming back is not sent to them again.
     */
    private void process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        int attemptsSoFar = attemptsSoFar(mail);
        String queuedAs = mail.getAttribute(QUEUED_AS).flatMap(a -> a.getValue().valueAs(String.class)).orElse("");
        String queueMessage = SettledRecipients.queueMessage(mail.getName(), queuedAs);
        List<String> recipients = asStrings(new ArrayList<>(mail.getRecipients()));
        Duration retryDelay = retryDelay(attemptsSoFar);
        List<String> settledNow = new ArrayList<>();
        boolean held = false;
        try {
            List<String> unsettled = settledRecipients.unsettled(queueMessage, recipients);
            if (unsettled.isEmpty()) {
                // handled by an earlier try whose acknowledgement failed; wait before acknowledging again, so that a
                // store that keeps failing is not retried in a tight loop
                LOGGER.info("Mail {}: every recipient was already handled; acknowledging it on queue {}", mail.getName(),
                    settings.outgoingQueue());
                finishLater(item, queueMessage, MailQueue.MailQueueItem.CompletionStatus.SUCCESS, retryDelay);
                held = true;
                return;
            }
            if (unsettled.size() < recipients.size()) {
                LOGGER.info("Mail {}: back in queue {} after a failed re-queue; not sending again to the recipients already handled, "
                    + "now trying {}", mail.getName(), settings.outgoingQueue(), unsettled);
                mail.setRecipients(toAddresses(unsettled));
            }
            deliver(mail, attemptsSoFar, settledNow);
            acknowledge(item, queueMessage, mail.getName(), recipients);
        } catch (NextStateNotStoredException e) {
            keepInQueue(item, queueMessage, recipients, attemptsSoFar, queuedAs, settledNow, retryDelay, e);
            held = true;
        } catch (Exception e) {
            LOGGER.error("Unexpected failure delivering {}; re-queueing it for a retry", mail.getName(), e);
            try {
                requeueWholeMail(mail, e, settledNow);
                acknowledge(item, queueMessage, mail.getName(), recipients);
            } catch (MessagingException | RuntimeException notStored) {
                keepInQueue(item, queueMessage, recipients, attemptsSoFar, queuedAs, settledNow, retryDelay,
                    new NextStateNotStoredException("re-queue", notStored));
                held = true;
            }
        } finally {
            if (!held) {
                // the queue keeps its own copy of a re-queued mail; this one holds message resources to release
                LifecycleUtil.dispose(mail);
            }
        }
    }

    private void acknowledge(MailQueue.MailQueueItem item, String queueMessage, String mailName, List<String> recipients) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            settledRecipients.forget(queueMessage);
        } catch (MailQueue.MailQueueException | RuntimeException e) {
            // Every recipient's next state is stored, but the queue still holds the item and will hand it out again:
            // then it is only acknowledged, never delivered a second time.
            settledRecipients.remember(queueMessage, recipients);
            LOGGER.error("Cannot acknowledge {} on queue {}: {}; its recipients are handled, so when the queue hands it out "
                + "again it is only acknowledged", mailName, settings.outgoingQueue(), rootCause(e), e);
        }
    }

    private void keepInQueue(MailQueue.MailQueueItem item, String queueMessage, List<String> recipients, int attemptsSoFar,
                             String queuedAs, List<String> settledNow, Duration delay, NextStateNotStoredException failure) {
        Mail mail = item.getMail();
        String mailName = mail.getName();
        settledRecipients.remember(queueMessage, settledNow);
        // as dequeued: a queue that re-enqueues this object on RETRY (James's in-memory queue) must get the original back
        try {
            mail.setRecipients(toAddresses(recipients));
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalStateException("recipient read from the queue no longer parses", e);
        }
        if (attemptsSoFar == 0) {
            mail.removeAttribute(RETRIES);
        } else {
            mail.setAttribute(new Attribute(RETRIES, AttributeValue.of(attemptsSoFar)));
        }
        markQueuedAs(mail, queuedAs);
        LOGGER.error("Cannot {} {}: {}{}; kept in queue {}, retried in {}{}", failure.step(), mailName,
            rootCause(failure.getCause()), isStorageFailure(failure.getCause()) ? " (disk full?)" : "", settings.outgoingQueue(),
            delay.toString().substring(2).toLowerCase(Locale.ROOT), settledNow.isEmpty() ? "" : "; not sent again to the recipients already handled: " + settledNow);
        finishLater(item, queueMessage, MailQueue.MailQueueItem.CompletionStatus.RETRY, delay);
    }

    /**
     * Holds the item (unacknowledged: a crash or a stop returns it to the queue) and finishes it after {@code delay}.
     * James's ActiveMQ queue rolls a RETRY back at once and hands the message out again straight away, since its
     * next-delivery time has passed: the wait has to be here.
     */
    private void finishLater(MailQueue.MailQueueItem item, String queueMessage, MailQueue.MailQueueItem.CompletionStatus status,
                             Duration delay) {
        Runnable finish = () -> {
            try {
                item.done(status);
                if (status == MailQueue.MailQueueItem.CompletionStatus.SUCCESS) {
                    settledRecipients.forget(queueMessage);
                }
            } catch (MailQueue.MailQueueException | RuntimeException e) {
                LOGGER.error("Cannot finish {} ({}) on queue {}: {}; the queue hands it out again", queueMessage, status,
                    settings.outgoingQueue(), rootCause(e), e);
            } finally {
                LifecycleUtil.dispose(item.getMail());
            }
        };
        try {
            heldItems.schedule(finish, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            finish.run();
        }
    }

    private Duration retryDelay(int attemptsSoFar) {
        return settings.retrySchedule().delayBeforeRetry(attemptsSoFar + 1);
    }

    private static int attemptsSoFar(Mail mail) {
        return mail.getAttribute(RETRIES).flatMap(a -> a.getValue().valueAs(Integer.class)).orElse(0);
    }

    /**
     * Tries every recipient once; {@code settled} collects those whose next state is stored as it goes.
     *
     * @throws NextStateNotStoredException when the bounce or the re-queue failed: the mail must stay in its queue
     */
    private void deliver(Mail mail, int retries, List<String> settled) throws MessagingException, NextStateNotStoredException {
        int attempt = retries + 1;
        boolean requireTls = requiresTls(mail);
        MessageContent content = out -> {
            try {
                mail.getMessage().writeTo(out);
            } catch (MessagingException e) {
                throw new IOException("cannot write message " + mail.getName() + ": " + e.getMessage(), e);
            }
        };
        List<MailAddress> retry = new ArrayList<>();
        Map<MailAddress, DeliveryStatusReport.FailedRecipient> failed = new LinkedHashMap<>();
        for (Map.Entry<String, List<MailAddress>> domain : byDomain(mail.getRecipients()).entrySet()) {
            NamespacePolicy row = policies.current().lookup(domain.getKey());
            List<NextHop> hops;
            DomainDeliveryResult result;
            Envelope envelope = new Envelope(mail.getMaybeSender().asString(""),
                asStrings(domain.getValue()), requireTls);
            try {
                hops = route(domain.getKey(), row);
                result = delivery.deliver(domain.getKey(), row.outbound(), hops, envelope, content, attempt);
            } catch (IOException e) {
                result = new DomainDeliveryResult(asStrings(domain.getValue()).stream()
                    .map(r -> RecipientOutcome.failed(r, DeliveryFailure.network(e.getMessage())))
                    .collect(java.util.stream.Collectors.toList()), List.of());
            }
            for (TlsProvenance record : result.attempts()) {
                record(mail, record, row);
            }
            Optional<String> lastHop = result.attempts().isEmpty() ? Optional.empty()
                : result.attempts().get(result.attempts().size() - 1).nextHop();
            for (RecipientOutcome outcome : result.outcomes()) {
                MailAddress recipient = new MailAddress(outcome.recipient());
                if (outcome.isDelivered()) {
                    settled.add(recipient.asString());
                    continue;
                }
                DeliveryFailure failure = outcome.failure().get();
                if (failure.isTemporary() && retries < settings.maxRetries()) {
                    retry.add(recipient);
                    mail.setAttribute(new Attribute(LAST_ERROR, AttributeValue.of(failure.toString())));
                } else {
                    failed.put(recipient, new DeliveryStatusReport.FailedRecipient(outcome.recipient(),
                        failure.isTemporary() ? failure.finalised() : failure, lastHop));
                }
            }
        }
        Optional<NextStateNotStoredException> notStored = Optional.empty();
        if (!failed.isEmpty()) {
            try {
                bounces.bounceOrHandToError(mail, failed);
                failed.keySet().forEach(recipient -> settled.add(recipient.asString()));
            } catch (MessagingException | RuntimeException e) {
                notStored = Optional.of(new NextStateNotStoredException("bounce", e));
            }
        }
        if (!retry.isEmpty()) {
            mail.setRecipients(retry);
            mail.setAttribute(new Attribute(RETRIES, AttributeValue.of(attempt)));
            Duration delay = settings.retrySchedule().delayBeforeRetry(attempt);
            try {
                markQueuedAs(mail, newQueueToken());
                queue.enQueue(mail, delay);
            } catch (MessagingException | RuntimeException e) {
                throw new NextStateNotStoredException("re-queue", e);
            }
            retry.forEach(recipient -> settled.add(recipient.asString()));
            LOGGER.info("Mail {}: {} recipient(s) to retry in {} (attempt {} of {})", mail.getName(), retry.size(), delay,
                attempt + 1, settings.maxRetries() + 1);
        }
        if (notStored.isPresent()) {
            throw notStored.get();
        }
    }

    /** Never throws: a recording problem must not make us send a delivered recipient again. */
    private void record(Mail mail, TlsProvenance attempt, NamespacePolicy row) {
        try {
            ProvenanceAttributes.appendOutbound(mail, attempt);
        } catch (MalformedProvenanceException | RuntimeException e) {
            LOGGER.error("Mail {}: cannot record the attempt on the mail attribute {}", mail.getName(), ProvenanceAttributes.OUTBOUND, e);
        }
        ATTEMPTS.info("{} mail={} row={}", OutboundLogLine.format(attempt), mail.getName(), row.source());
        ledger.ifPresent(l -> {
            try {
                l.append(attempt);
            } catch (IOException e) {
                LOGGER.error("Cannot append to the outbound ledger {}", l.file(), e);
            }
        });
    }

    private List<NextHop> route(String domain, NamespacePolicy row) throws IOException {
        List<Smarthost> routes = row.outbound().routes();
        List<NextHop> hops = new ArrayList<>();
        if (!routes.isEmpty()) {
            routes.forEach(route -> hops.add(NextHop.of(route)));
            return hops;
        }
        return mxResolver.nextHops(domain);
    }

    /**
     * A bug or an unreadable mail: retry its recipients not yet handled like a temporary failure, then hand it to the
     * error processor.
     *
     * @throws MessagingException when neither the re-queue nor the error processor took it
     */
    private void requeueWholeMail(Mail mail, Exception cause, List<String> settled) throws MessagingException {
        List<String> unsettled = new ArrayList<>(asStrings(new ArrayList<>(mail.getRecipients())));
        unsettled.removeAll(settled);
        if (unsettled.isEmpty()) {
            return;
        }
        mail.setRecipients(toAddresses(unsettled));
        int retries = attemptsSoFar(mail);
        mail.setAttribute(new Attribute(LAST_ERROR, AttributeValue.of(String.valueOf(cause))));
        if (retries >= settings.maxRetries()) {
            getMailetContext().sendMail(mail, Mail.ERROR);
            return;
        }
        mail.setAttribute(new Attribute(RETRIES, AttributeValue.of(retries + 1)));
        markQueuedAs(mail, newQueueToken());
        queue.enQueue(mail, settings.retrySchedule().delayBeforeRetry(retries + 1));
    }

    private static String newQueueToken() {
        return java.util.UUID.randomUUID().toString();
    }

    private static void markQueuedAs(Mail mail, String token) {
        if (token.isEmpty()) {
            mail.removeAttribute(QUEUED_AS);
        } else {
            mail.setAttribute(new Attribute(QUEUED_AS, AttributeValue.of(token)));
        }
    }

    /** The innermost cause, as "Class: message": a full disk shows as "IOException: No space left on device". */
    static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static boolean isStorageFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static List<MailAddress> toAddresses(List<String> recipients) throws javax.mail.internet.AddressException {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return addresses;
    }

    /** The bounce or the re-queue of a dequeued mail did not reach the store; {@link #step()} says which. */
    private static final class NextStateNotStoredException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String step;

        NextStateNotStoredException(String step, Throwable cause) {
            super("cannot " + step + ": " + cause, cause);
            this.step = step;
        }

        String step() {
            return step;
        }
    }

    private static boolean requiresTls(Mail mail) {
        return mail.getAttribute(REQUIRETLS)
            .map(attribute -> attribute.getValue().value())
            .map(value -> Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value)))
            .orElse(false);
    }

    private static Map<String, List<MailAddress>> byDomain(java.util.Collection<MailAddress> recipients) {
        Map<String, List<MailAddress>> byDomain = new LinkedHashMap<>();
        for (MailAddress recipient : recipients) {
            byDomain.computeIfAbsent(recipient.getDomain().asString().toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(recipient);
        }
        return byDomain;
    }

    private static List<String> asStrings(List<MailAddress> addresses) {
        List<String> strings = new ArrayList<>();
        addresses.forEach(address -> strings.add(address.asString()));
        return strings;
    }

    /** Visible for tests: idle pooled connections right now. */
    int idleConnections() {
        return pool.idleConnections();
    }

}
