package dev.switchboard.auth.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.auth.service.AuthException;
import dev.switchboard.wire.ErrorResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where failures become the public error shape. Nothing internal leaks into a response. */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response auth(AuthException e) {
        return respond(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return respond(400, "Malformed JSON body");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return respond(
                status,
                status == 404 ? "Not found" : status == 415 ? "Content-Type must be application/json" : "Bad request");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (storeUnreachable(e)) {
            LOG.warnf("database unreachable: %s", e.getMessage());
            return respond(503, "Credit service temporarily unavailable");
        }
        LOG.errorf(e, "unexpected failure");
        return respond(500, "Internal error");
    }

    /** A failure to reach PostgreSQL (as opposed to an error it reported): the caller may retry or degrade. */
    static boolean storeUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException
                    || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof io.vertx.core.http.HttpClosedException
                    || (t.getMessage() != null
                            && (t.getMessage().contains("Connection refused")
                                    || t.getMessage().contains("Connection is closed")
                                    || t.getMessage().contains("connection was closed")
                                    || t.getMessage().contains("Timeout")))) {
                return true;
            }
        }
        return false;
    }

    private static Response respond(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(status, message))
                .build();
    }
}
