package com.ecommerce.pipeline.query.web;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A request parameter out of its range or format: 400 problem naming the parameter. */
public class BadParameterException extends ErrorResponseException {

    public BadParameterException(String parameter, String message) {
        super(HttpStatus.BAD_REQUEST, problem(parameter, message), null);
    }

    private static ProblemDetail problem(String parameter, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, parameter + ": " + message);
        problem.setTitle("Invalid parameter");
        problem.setProperties(Map.of("parameter", parameter));
        return problem;
    }
}
