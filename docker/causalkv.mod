[description]
causalkv's server-level pieces: JSON answers for errors raised before the webapp.

[depend]
server

[lib]
lib/causalkv-jetty.jar

[xml]
etc/causalkv.xml
