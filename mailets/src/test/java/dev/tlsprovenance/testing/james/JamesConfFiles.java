package dev.tlsprovenance.testing.james;

import java.util.List;

/** The generated {@code conf/} files of a test James: minimal, SMTP only, memory storage. */
final class JamesConfFiles {
    static final String KEYSTORE = "keystore.p12";
    static final String PARTNER_TRUSTSTORE = "partner-truststore.p12";
    static final String SECRET = "changeit";

    private JamesConfFiles() {
    }

    static String smtpServer(String instance, String helloName, String coreHandlersPackage, List<String> handlers,
        boolean partner) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<smtpservers>\n");
        xml.append(listener("smtp-" + instance, helloName, coreHandlersPackage, handlers, "startTLS=\"true\" socketTLS=\"false\"", ""));
        xml.append(listener("smtps-" + instance, helloName, coreHandlersPackage, handlers, "startTLS=\"false\" socketTLS=\"true\"", ""));
        if (partner) {
            // SslConfig 3.8.1: any <clientAuth> element means NEED; the truststore is read with <keystoreType>.
            String clientAuth = "      <clientAuth>\n"
                + "        <truststore>file://conf/" + PARTNER_TRUSTSTORE + "</truststore>\n"
                + "        <truststoreType>PKCS12</truststoreType>\n"
                + "        <truststoreSecret>" + SECRET + "</truststoreSecret>\n"
                + "      </clientAuth>\n";
            xml.append(listener("partner-" + instance, helloName, coreHandlersPackage, handlers, "startTLS=\"true\" socketTLS=\"false\"", clientAuth));
        }
        return xml.append("</smtpservers>\n").toString();
    }

    private static String listener(String jmxName, String helloName, String coreHandlersPackage, List<String> handlers,
                                   String tlsMode, String clientAuth) {
        // James loads the core package from the attribute (default CoreCmdHandlerLoader) whatever the list says;
        // the stock chain also names CoreCmdHandlerLoader, which we mirror only when the core package is stock.
        StringBuilder chain = new StringBuilder(coreHandlersPackage == null
            ? "      <handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>\n" : "");
        String chainElement = coreHandlersPackage == null ? "<handlerchain>"
            : "<handlerchain coreHandlersPackage=\"" + coreHandlersPackage + "\">";
        handlers.forEach(handler -> chain.append("      ").append(handler).append('\n'));
        return "  <smtpserver enabled=\"true\">\n"
            + "    <jmxName>" + jmxName + "</jmxName>\n"
            + "    <bind>127.0.0.1:0</bind>\n"
            + "    <connectionBacklog>200</connectionBacklog>\n"
            + "    <tls " + tlsMode + ">\n"
            + "      <keystore>file://conf/" + KEYSTORE + "</keystore>\n"
            + "      <keystoreType>PKCS12</keystoreType>\n"
            + "      <secret>" + SECRET + "</secret>\n"
            + clientAuth
            + "    </tls>\n"
            + "    <helloName autodetect=\"false\">" + helloName + "</helloName>\n"
            + "    <connectiontimeout>360</connectiontimeout>\n"
            + "    <connectionLimit>0</connectionLimit>\n"
            + "    <connectionLimitPerIP>0</connectionLimitPerIP>\n"
            + "    <authRequired>false</authRequired>\n"
            + "    <authorizedAddresses>127.0.0.0/8</authorizedAddresses>\n"
            + "    <verifyIdentity>false</verifyIdentity>\n"
            + "    <maxmessagesize>0</maxmessagesize>\n"
            + "    " + chainElement + "\n" + chain + "    </handlerchain>\n"
            + "    <gracefulShutdown>false</gracefulShutdown>\n"
            + "  </smtpserver>\n";
    }

    static String mailetContainer(String postmaster, String rootMailets, String transportMailets) {
        return "<?xml version=\"1.0\"?>\n"
            + "<mailetcontainer>\n"
            + "  <context>\n    <postmaster>" + postmaster + "</postmaster>\n  </context>\n"
            + "  <spooler>\n    <threads>4</threads>\n    <errorRepository>" + JamesTestServer.ERROR + "</errorRepository>\n  </spooler>\n"
            + "  <processors enableJmx=\"false\">\n"
            + "    <processor state=\"root\" enableJmx=\"false\">\n"
            + rootMailets
            + "      <mailet match=\"All\" class=\"ToProcessor\">\n        <processor>transport</processor>\n      </mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"error\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"ToRepository\">\n"
            + "        <repositoryPath>" + JamesTestServer.ERROR + "</repositoryPath>\n      </mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"transport\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"RemoveMimeHeader\">\n        <name>bcc</name>\n"
            + "        <onMailetException>ignore</onMailetException>\n      </mailet>\n"
            + transportMailets
            + "      <mailet match=\"All\" class=\"ToRepository\">\n"
            + "        <repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath>\n      </mailet>\n"
            + "    </processor>\n"
            + "  </processors>\n"
            + "</mailetcontainer>\n";
    }

    static String domainList(List<String> domains) {
        StringBuilder names = new StringBuilder();
        domains.forEach(domain -> names.append("    <domainname>").append(domain).append("</domainname>\n"));
        return "<?xml version=\"1.0\"?>\n<domainlist>\n"
            + "  <autodetect>false</autodetect>\n  <autodetectIP>false</autodetectIP>\n"
            + "  <defaultDomain>" + domains.get(0) + "</defaultDomain>\n"
            + "  <domainnames>\n" + names + "  </domainnames>\n</domainlist>\n";
    }

    static String mailRepositoryStore() {
        return "<?xml version=\"1.0\"?>\n<mailrepositorystore>\n  <defaultProtocol>memory</defaultProtocol>\n"
            + "  <mailrepositories>\n"
            + "    <mailrepository class=\"org.apache.james.mailrepository.memory.MemoryMailRepository\">\n"
            + "      <protocols><protocol>memory</protocol></protocols>\n"
            + "      <config FIFO=\"false\" CACHEKEYS=\"true\"/>\n"
            + "    </mailrepository>\n  </mailrepositories>\n</mailrepositorystore>\n";
    }

    static String usersRepository() {
        return "<?xml version=\"1.0\"?>\n<usersrepository name=\"LocalUsers\">\n"
            + "  <algorithm>SHA-512</algorithm>\n  <enableVirtualHosting>true</enableVirtualHosting>\n</usersrepository>\n";
    }

    static String dnsService() {
        return "<?xml version=\"1.0\"?>\n<dnsservice>\n  <autodiscover>true</autodiscover>\n"
            + "  <authoritative>false</authoritative>\n  <maxcachesize>50000</maxcachesize>\n</dnsservice>\n";
    }
}
