package io.keyway.archfixture.domain;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wrong: the domain uses a library other than the JDK and Bouncy Castle. */
public class DomainThatLogs {
    private static final Logger LOG = LoggerFactory.getLogger(DomainThatLogs.class);

    public void act() {
        LOG.info("acting");
    }
}
