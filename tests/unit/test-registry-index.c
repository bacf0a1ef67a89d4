// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-registry-index - the registry's name index: slots that never move
 * (a lock-free reader never misses an entry that stays), removals and
 * puts, what gc repairs, and a registry an older acid wrote without one.
 *
 * Shared helpers: registry-test.h.
 */
#include "registry-test.h"

/* ------------------------------------------------- the name index */

/* Entry k of the same-name family: one name, bundle /b/<k>. */
static struct acid_entry *same_name(int k)
{
	struct acid_entry *e = crafted(0, k);

	if (!e)
		bail("crafted");
	free(e->name);
	free(e->bundle);
	e->name = strdup("web");
	if (asprintf(&e->bundle, "/b/%d", k) < 0 || !e->name)
		bail("strdup");
	return e;
}

/* The slot links of @dir: how many lead to entries, how many are free. */
static void slots_of(const char *dir, int *live, int *free_)
{
	char path[4096], target[128];
	DIR *d = opendir(dir);
	struct dirent *de;

	*live = *free_ = 0;
	while (d && (de = readdir(d))) {
		ssize_t n;

		if (strncmp(de->d_name, "name-", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "-") == 0)
			(*free_)++;
		else
			(*live)++;
	}
	if (d)
		closedir(d);
}

/* The path of slot @k of the family (all share the hash of "web"). */
static void family_slot(const char *dir, unsigned k, char *buf, size_t len)
{
	char hash[17] = "";
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "name-", 5))
			snprintf(hash, sizeof(hash), "%.16s", de->d_name + 5);
	if (d)
		closedir(d);
	if (!hash[0])
		bail("no name slot in %s", dir);
	snprintf(buf, len, "%s/name-%s.%u", dir, hash, k);
}

/* Does the index alone (no lock, no scan) lead to family member @k? */
static bool index_finds(int dirfd, int k)
{
	struct acid_entry *want = same_name(k), *got;
	int r = registry_get_name(dirfd, "web", want->bundle, &got);
	bool yes = r == 0 && acid_id_equal(&got->id, &want->id);

	if (r == 0)
		acid_entry_free(got);
	acid_entry_free(want);
	return yes;
}

static void expect_slots(const char *dir, int live, int free_,
			 const char *what)
{
	int l, f;

	slots_of(dir, &l, &f);
	ok(l == live && f == free_, "%s: %d live slots and %d free; want %d "
	   "and %d", what, l, f, live, free_);
}

/* a reader that must find family member 4 every time, writers or not */
struct steady_job {
	const char *dir;
	atomic_bool stop;
	long rounds, misses;
};

static void *steady_reader(void *arg)
{
	struct steady_job *j = arg;
	int dirfd = registry_open(j->dir, false);

	if (dirfd < 0)
		bail("registry_open");
	while (!atomic_load(&j->stop)) {
		j->misses += !index_finds(dirfd, 4);
		j->rounds++;
	}
	close(dirfd);
	return NULL;
}

static void test_name_index(void)
{
	char *dir = temp_dir("names"), path[4096], final[64];
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *e, *fam[8];
	int dirfd = registry_open(dir, true), found = 0, lock;
	size_t removed = 99;

	if (dirfd < 0)
		bail("registry_open");
	mark_index(dirfd);
	for (int k = 0; k < 8; k++)
		fam[k] = same_name(k);
	for (int k = 0; k < 6; k++)
		if (registry_put(dirfd, fam[k]) < 0)
			bail("registry_put");
	expect_slots(dir, 6, 0, "6 entries of one name");
	is_err(acid_lookup_name(ctx, "web", NULL, &e), -ENOTUNIQ,
	       "lookup of a name 6 entries share");
	for (int k = 0; k < 6; k++)
		found += index_finds(dirfd, k);
	is_int(found, 6, "each of the 6 found by name and bundle");

	/* a removal frees its slot in place; free slots at the end go */
	registry_remove(dirfd, fam[2]);
	registry_remove(dirfd, fam[0]);
	expect_slots(dir, 4, 2, "/b/2 and /b/0 removed");
	registry_remove(dirfd, fam[5]);
	expect_slots(dir, 3, 2, "/b/5 removed (the last slot: trimmed)");
	ok(index_finds(dirfd, 1) && index_finds(dirfd, 3) &&
		   index_finds(dirfd, 4),
	   "the other 3 found in place (slots 1, 3, 4)");
	ok(!index_finds(dirfd, 0) && !index_finds(dirfd, 2) &&
		   !index_finds(dirfd, 5),
	   "the removed 3 not found");
	is_err(registry_get_name(dirfd, "Web", NULL, &e), -ENOENT,
	       "another name: not found");
	/* a put takes the first free slot */
	if (registry_put(dirfd, fam[6]) < 0)
		bail("registry_put");
	family_slot(dir, 0, path, sizeof(path));
	{
		char target[128], idstr[ACID_ID_STRLEN];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		acid_id_format(&fam[6]->id, idstr, sizeof(idstr));
		snprintf(final, sizeof(final), "%s.entry", idstr);
		ok(n > 0 && (target[n] = '\0', !strcmp(target, final)),
		   "/b/6 put into the first free slot, 0");
	}

	/*
	 * No slot moves, so a reader without the lock never misses an
	 * entry that stays, however the others come and go around it.
	 */
	{
		struct steady_job j = { .dir = dir };
		pthread_t t;
		int errs = 0;

		pthread_create(&t, NULL, steady_reader, &j);
		for (int round = 0; round < 300; round++) {
			lock = registry_lock(dirfd);
			errs += registry_put(dirfd, fam[7]) < 0;
			errs += registry_remove(dirfd, fam[1]) < 0;
			errs += registry_put(dirfd, fam[1]) < 0;
			errs += registry_remove(dirfd, fam[7]) < 0;
			close(lock);
		}
		atomic_store(&j.stop, true);
		pthread_join(t, NULL);
		is_int(errs, 0, "300 rounds of puts and removes of /b/1 and "
				"/b/7: failures");
		diag("steady reader: %ld lookups", j.rounds);
		ok(j.rounds > 0 && j.misses == 0,
		   "a lock-free reader of /b/4 during them: %ld misses in %ld",
		   j.misses, j.rounds);
	}
	expect_slots(dir, 4, 1, "after the rounds (0: /b/6, 1: /b/1, 2 free, "
				"3: /b/3, 4: /b/4)");

	/*
	 * What only a hand or a crash makes: a slot removed (a gap, which
	 * hides the slots above it), slots to entries that are gone. gc
	 * frees the stale, fills the gap, and slots the entry that lost its
	 * own.
	 */
	registry_remove(dirfd, fam[1]);
	family_slot(dir, 3, path, sizeof(path));
	ok(unlink(path) == 0, "setup: slot 3 (/b/3) removed by hand");
	ok(!index_finds(dirfd, 3) && !index_finds(dirfd, 4),
	   "the gap hides /b/4 above it, and /b/3 has no slot");
	family_slot(dir, 1, path, sizeof(path));
	ok(unlink(path) == 0 && symlink("0f1e2d3c-4b5a-4978-8695-"
					"a4b3c2d1e0f9.entry", path) == 0,
	   "setup: slot 1 to an entry that is gone");
	family_slot(dir, 7, path, sizeof(path));
	ok(symlink("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.entry", path) == 0,
	   "setup: slot 7 to an entry that is gone");
	is_err(acid_registry_clean(ctx, &removed), 0, "clean the index");
	is_int(removed, 2, "clean: the 2 slots to nothing freed");
	found = index_finds(dirfd, 6) + index_finds(dirfd, 3) +
		index_finds(dirfd, 4);
	is_int(found, 3, "after clean, /b/6, /b/3 and /b/4 found again");
	expect_slots(dir, 3, 2, "after clean (0: /b/6, 1: /b/3 in the first "
				"free slot, 2 free, 3 the gap, free, 4: /b/4; "
				"5-7 trimmed)");
	close(dirfd);
	for (int k = 0; k < 8; k++)
		acid_entry_free(fam[k]);
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

/*
 * A registry an older acid wrote: entries without name slots, a .lock
 * without the mark. Lookups by name read every entry until the first
 * writer of this version makes the index whole and marks it; from then
 * on the index alone answers.
 */
static void test_unindexed_registry(void)
{
	char *dir = temp_dir("legacy"), path[4096], buf[64] = "";
	struct acid_ctx *ctx = ctx_at(dir);
	struct acid_entry *e, *fam[3];
	int dirfd = registry_open(dir, true), fd, live, free_, found = 0;
	ssize_t n;

	if (dirfd < 0)
		bail("registry_open");
	for (int k = 0; k < 3; k++) {
		fam[k] = same_name(k);
		if (registry_put(dirfd, fam[k]) < 0)
			bail("registry_put");
	}
	/* as the old layout had it: no slots, a .lock that says nothing */
	{
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, "name-", 5))
				unlinkat(dirfd, de->d_name, 0);
		if (d)
			closedir(d);
	}
	snprintf(path, sizeof(path), "%s/.lock", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		bail("%s", path);
	close(fd);
	slots_of(dir, &live, &free_);
	is_int(live + free_, 0, "old layout: no name slots");
	for (int k = 0; k < 3; k++)
		found += index_finds(dirfd, k);
	is_int(found, 3, "old layout: each found by name (every entry read)");
	is_err(acid_lookup_name(ctx, "web", NULL, &e), -ENOTUNIQ,
	       "old layout: a shared name is ENOTUNIQ by the scan too");
	is_err(acid_lookup_name(ctx, "none", NULL, &e), -ENOENT,
	       "old layout: a name no entry has");

	mark_index(dirfd);
	slots_of(dir, &live, &free_);
	is_int(live, 3, "the first writer's lock gave each entry its slot");
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "acid-registry name-index 1\n", "and marked .lock");
	/* from now on the index alone: a slot removed by hand is a miss */
	family_slot(dir, 2, path, sizeof(path));
	ok(unlink(path) == 0, "setup: the last slot, 2, removed by hand");
	found = 0;
	for (int k = 0; k < 3; k++)
		found += index_finds(dirfd, k);
	is_int(found, 2, "marked: the one without a slot is not found (no "
			 "scan behind the index)");
	close(dirfd);
	for (int k = 0; k < 3; k++)
		acid_entry_free(fam[k]);
	acid_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	unsetenv("ACID_PROC_ROOT");
	unsetenv("ACID_STATE_DIR");
	if (geteuid() != 0)
		bail("test-registry-index needs root (CAP_AUDIT_CONTROL)");

	test_name_index();
	test_unindexed_registry();
	return tap_done();
}
