# causalkv's Jetty module: what a standalone Jetty 12 needs beside the WAR. Built by
# `mvn package` into target/jetty-base/ with the jar it names; enable it in a jetty.base with
#   java -jar $JETTY_HOME/start.jar --add-modules=causalkv
# and put the WAR in webapps/ as ROOT.war (or unpacked as webapps/ROOT).

[description]
causalkv node: JSON answers for errors Jetty raises before the webapp, and the connector settings the API needs.

[depend]
server
http
ee10-deploy

[lib]
lib/causalkv-jetty.jar

[xml]
etc/causalkv.xml

[ini]
# Encoded slashes reach the webapp, which answers 400 Invalid key (API.md 4.3).
jetty.httpConfig.uriCompliance?=DEFAULT,AMBIGUOUS_PATH_SEPARATOR
jetty.httpConfig.sendServerVersion?=false
# No jar of WEB-INF/lib is opened at deployment to look for web fragments, TLDs or
# META-INF/resources (the webapp has none; it cost ~0.4 CPU-seconds of a node's start).
jetty.deploy.webInfScanJarPattern?=^$
