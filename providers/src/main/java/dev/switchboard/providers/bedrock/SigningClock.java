package dev.switchboard.providers.bedrock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The wall clock as a bean, so that a SigV4 signature's time can be fixed in tests. Bedrock is the
 * only part of the router that needs a {@link Clock} bean; should another need one, this producer
 * moves to a shared package rather than gaining a twin (two would make the injection ambiguous).
 */
@Singleton
public class SigningClock {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
