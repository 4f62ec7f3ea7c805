/**
 * Proving TLS from a message's headers, hop by hop: the pure core behind {@code tls-provenance verify}.
 *
 * <ul>
 *   <li>{@link dev.tlsprovenance.verify.HeaderBlock} / {@link dev.tlsprovenance.verify.HeaderStream}: header sections
 *       of an {@code .eml} or a streamed mbox, unfolded, RFC 2047 tolerated, sizes capped.</li>
 *   <li>{@link dev.tlsprovenance.verify.ReceivedLineParser}: one Received value to a {@link dev.tlsprovenance.verify.Hop}
 *       (Postfix, Exim, Sendmail/Proofpoint, Exchange, IIS, Gmail, OpenSMTPD, James 3.8/3.9, this project, qmail,
 *       CommuniGate, HTTP/MAPI/IMAP/POP and local hand-overs); never throws. It reads the line as tokens of its
 *       grammar ({@code ReceivedSyntax}), types the client's parts ({@code FromPart}: HELO text, addresses are data)
 *       and asks each family's TLS clause only where that family writes it ({@code TlsClause}).</li>
 *   <li>{@link dev.tlsprovenance.verify.TlsNames}: protocol labels to {@code TLSv1.0..TLSv1.3}, OpenSSL/GnuTLS/LibreSSL
 *       suite names to IANA, weak-suite grading.</li>
 *   <li>{@link dev.tlsprovenance.verify.MessageTrace}, {@link dev.tlsprovenance.verify.TrustBoundary},
 *       {@link dev.tlsprovenance.verify.ProvenanceStamps}, {@link dev.tlsprovenance.verify.HopSegment} and
 *       {@link dev.tlsprovenance.verify.TraceAnalyzer}: the path, where trust starts, our stamps, the verdict.</li>
 *   <li>{@link dev.tlsprovenance.verify.ReportJsonWriter}: the {@code --json} shape other tools consume.</li>
 * </ul>
 * Only {@code java.*} and this project's provenance core are used, so mailets and matchers can call it too.
 */
package dev.tlsprovenance.verify;
