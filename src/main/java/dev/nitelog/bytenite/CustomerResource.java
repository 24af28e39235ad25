package dev.nitelog.bytenite;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The Customer API routes nitelog uses. Every method returns a blocking {@link Response}: the
 * Quarkus REST Client then hands the body over as a stream read from the connection
 * ({@code VertxClientInputStream}) instead of buffering it whole, which {@code /logs} needs.
 * The {@code Authorization} value is the raw token or {@code Bearer <token>}.
 */
@Path("")
interface CustomerResource extends AutoCloseable {

    @GET
    @Path("/jobs")
    @Produces(MediaType.APPLICATION_JSON)
    Response listJobs(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                      @QueryParam("pagination.limit") long limit,
                      @QueryParam("pagination.offset") long offset,
                      @QueryParam("orderBy") String orderBy);

    @GET
    @Path("/jobs/{jobId}")
    @Produces(MediaType.APPLICATION_JSON)
    Response getJob(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                    @PathParam("jobId") String jobId);

    @POST
    @Path("/logs")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response logs(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, Wire.LogsRequest request);
}
