# Not a valid Dockerfile: the linter test proves both linters reject it.
FROM ubuntu:latest
RUNN echo unknown instruction
RUN sudo apt-get install curl
COPY
