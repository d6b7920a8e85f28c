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
        return respond(status, status == 404 ? "Not found" : status == 415 ? "Content-Type must be application/json" : "Bad request");
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.errorf(e, "unexpected failure");
        return respond(500, "Internal error");
    }

    private static Response respond(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ErrorResponse.of(status, message)).build();
    }
}
