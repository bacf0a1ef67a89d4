/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ACID_PLUGIN_SAY_H
#define ACID_PLUGIN_SAY_H

/*
 * One line of the plugin's: on standard error ("audisp-acid: ...") and
 * to syslog (LOG_WARNING), auditd's plugins having no other voice.
 */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
