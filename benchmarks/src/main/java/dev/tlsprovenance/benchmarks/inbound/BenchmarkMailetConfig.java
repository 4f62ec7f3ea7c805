package dev.tlsprovenance.benchmarks.inbound;

import java.util.Iterator;
import java.util.Map;

import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;

/** A mailet's configuration for the benchmarks that run mailets without a container: a name and fixed parameters. */
final class BenchmarkMailetConfig implements MailetConfig {
    private final String mailetName;
    private final Map<String, String> parameters;

    BenchmarkMailetConfig(String mailetName, Map<String, String> parameters) {
        this.mailetName = mailetName;
        this.parameters = Map.copyOf(parameters);
    }

    @Override
    public String getInitParameter(String name) {
        return parameters.get(name);
    }

    @Override
    public Iterator<String> getInitParameterNames() {
        return parameters.keySet().iterator();
    }

    @Override
    public MailetContext getMailetContext() {
        return null;
    }

    @Override
    public String getMailetName() {
        return mailetName;
    }
}
