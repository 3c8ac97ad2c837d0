# Tributary in a container: the same two steps as README.md (npm ci && npm start).
# Configure it with KAFKA_* environment variables, as the official apache/kafka image:
#   docker run -p 9092:9092 \
#     -e KAFKA_LISTENERS=PLAINTEXT://0.0.0.0:9092 \
#     -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://localhost:9092 \
#     -e KAFKA_LOG_DIRS=/var/lib/tributary tributary
# Prometheus metrics: add -p 9404:9404 -e KAFKA_TRIBUTARY_METRICS_LISTENERS=http://0.0.0.0:9404
FROM node:20-bookworm-slim
WORKDIR /opt/tributary
COPY . .
RUN npm ci
EXPOSE 9092 9404
CMD ["npm", "start"]
