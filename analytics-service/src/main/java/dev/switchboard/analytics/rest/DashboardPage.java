package dev.switchboard.analytics.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Properties;

/**
 * The dashboard's page ({@code META-INF/resources/dashboard/}, served as static files) and the
 * chart library it draws with, Apache ECharts, from its WebJar in this service's jar (no CDN at
 * run time). {@code /dashboard} opens the operator's view; the edge serves the same page for an
 * account's view.
 */
@Path("/dashboard")
public class DashboardPage {

    static final String ECHARTS = "META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";

    @GET
    public Response operatorView() {
        return Response.seeOther(URI.create("/dashboard/?view=operator")).build();
    }

    @GET
    @Path("/vendor/echarts.min.js")
    public Response echarts() {
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(ECHARTS);
        if (in == null) {
            return AnalyticsQueries.error(404, "the ECharts WebJar is missing from the classpath");
        }
        return Response.ok(in, "text/javascript; charset=utf-8")
                .header("Cache-Control", "public, max-age=86400")
                .build();
    }

    private static String echartsVersion() {
        try (InputStream in = Thread.currentThread()
                .getContextClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            if (in == null) {
                return "missing";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "missing");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
