package dev.nitelog.bytenite;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The Authentication API. Methods return {@link Response} so that errors reach us as statuses,
 * not exceptions, and bodies as streams (see {@link CustomerResource}).
 */
@Path("")
interface AuthResource extends AutoCloseable {

    @POST
    @Path("/access_token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response accessToken(Wire.TokenRequest request);
}
