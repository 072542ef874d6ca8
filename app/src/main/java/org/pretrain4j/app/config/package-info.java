/** Run configuration: defaults, JSON or YAML files and command-line overrides, resolved into one record that is saved in the run folder. */
package org.pretrain4j.app.config;
