// SPDX-License-Identifier: GPL-2.0
/*
 * mypoll: an event device for asynchronous notification (poll, fasync/SIGIO).
 *
 * Each device generates events from a periodic hrtimer (TIMER), from write()
 * (MANUAL) and from the MYPOLL_IOC_BURST ioctl (BURST). Every open file is a
 * reader with its own ring of queue_len 64-byte records (struct mypoll_event,
 * see mypoll.h); each event is broadcast to every reader of the device. A
 * reader whose ring is full loses its oldest records and is told so by a
 * MYPOLL_EV_OVERRUN record.
 *
 * Locking:
 *  - mypoll_device.lock (spinlock_t) guards the reader list, the sequence
 *    counter and every reader's ring and counters. The hrtimer callback takes
 *    it, and that callback runs in hard interrupt context on !PREEMPT_RT, so
 *    everybody takes it with spin_lock_irqsave(). On PREEMPT_RT the timer
 *    (HRTIMER_MODE_REL, not _HARD) runs in softirq thread context, where the
 *    sleeping spinlock_t is allowed.
 *  - mypoll_device.period_mutex serialises changes of the timer period
 *    (module init, ioctl, sysfs); hrtimer_cancel() is called without the
 *    spinlock, because the callback takes it.
 *  - mypoll_client.read_mutex serialises read() calls on one file, which
 *    share the client's bounce buffer; copy_to_user() runs with the mutex
 *    held but never with the spinlock held.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>

#include "mypoll.h"

#define MYPOLL_MAX_DEVICES	64
#define MYPOLL_QUEUE_MAX	65536U
/* Shortest non-zero timer period: 100 us, at most 10000 events/s. */
#define MYPOLL_PERIOD_MIN_US	100U
/* BURST events generated per spinlock hold. */
#define MYPOLL_BURST_CHUNK	64U
/* Records moved from the ring to user space per spinlock hold in read(). */
#define MYPOLL_BOUNCE_RECORDS	32U

static_assert(sizeof(struct mypoll_event) == MYPOLL_RECORD_SIZE);

static unsigned int period_us = 1000000;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us,
		 "Timer period in us: 0 = off, else >= 100 (default 1000000)");

static unsigned int queue_len = 1024;
module_param(queue_len, uint, 0444);
MODULE_PARM_DESC(queue_len,
		 "Records per reader, power of two <= 65536 (default 1024)");

static unsigned int count = 1;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count,
		 "Devices 1..64: 1 = /dev/mypoll, N = /dev/mypoll0..N-1");

struct mypoll_device {
	struct miscdevice misc;
	char name[24];

	/* Guards everything below up to period_mutex, and all clients. */
	spinlock_t lock;
	struct list_head clients;	/* of mypoll_client.node */
	u64 seq;			/* last seq = events generated */
	unsigned int readers;		/* open files */

	/* Guards changes of period_us and (re)starting or cancelling timer. */
	struct mutex period_mutex;
	u32 period_us;			/* set under period_mutex */
	struct hrtimer timer;
};

struct mypoll_client {
	struct mypoll_device *dev;
	struct fasync_struct *fasync;	/* own locking (fasync_helper) */
	wait_queue_head_t wait;		/* own lock; read() and poll() */

	/* All of the following up to read_mutex are guarded by dev->lock. */
	struct list_head node;		/* in dev->clients */
	struct mypoll_event *ring;	/* queue_len records */
	unsigned int head;		/* free running: next slot to fill */
	unsigned int tail;		/* free running: next slot to read */
	u32 overrun_lost;		/* lost since the last OVERRUN record */
	u64 overrun_seq;		/* seq of the last record lost */
	u64 overrun_ts;			/* when it was lost */
	u64 lost;			/* total events lost to overrun */
	u64 delivered;			/* event records copied to user space */

	/* Serialises read() on this file; guards bounce[]. */
	struct mutex read_mutex;
	struct mypoll_event bounce[MYPOLL_BOUNCE_RECORDS];
};

static struct mypoll_device *mypoll_devs;
static unsigned int mypoll_ndevs;

static inline unsigned int mypoll_queued(const struct mypoll_client *client)
{
	return client->head - client->tail;
}

/* Caller holds dev->lock. */
static void mypoll_push(struct mypoll_client *client,
			const struct mypoll_event *ev)
{
	unsigned int mask = queue_len - 1;

	if (mypoll_queued(client) == queue_len) {
		client->overrun_seq = client->ring[client->tail & mask].seq;
		client->overrun_ts = ev->ts_ns;
		if (client->overrun_lost < U32_MAX)
			client->overrun_lost++;
		client->lost++;
		client->tail++;
	}
	client->ring[client->head & mask] = *ev;
	client->head++;
	kill_fasync(&client->fasync, SIGIO, POLL_IN);
}

/* Generates one event, queues it for every reader. Caller holds dev->lock. */
static void mypoll_emit(struct mypoll_device *dev, u16 type,
			const void *payload, size_t len)
{
	struct mypoll_client *client;
	struct mypoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = ++dev->seq;
	ev.ts_ns = ktime_get_ns();
	ev.type = type;
	ev.len = min_t(size_t, len, MYPOLL_PAYLOAD_MAX);
	memcpy(ev.payload, payload, ev.len);

	list_for_each_entry(client, &dev->clients, node)
		mypoll_push(client, &ev);
}

/* Wakes every reader after events were queued. Caller holds dev->lock. */
static void mypoll_wake_all(struct mypoll_device *dev)
{
	struct mypoll_client *client;

	list_for_each_entry(client, &dev->clients, node)
		wake_up_interruptible_poll(&client->wait,
					   EPOLLIN | EPOLLRDNORM);
}

static void mypoll_event_one(struct mypoll_device *dev, u16 type,
			     const void *payload, size_t len)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	mypoll_emit(dev, type, payload, len);
	mypoll_wake_all(dev);
	spin_unlock_irqrestore(&dev->lock, flags);
}

static void mypoll_burst(struct mypoll_device *dev, u32 n)
{
	char text[MYPOLL_PAYLOAD_MAX];
	unsigned long flags;
	u32 i = 0, end;
	int len;

	while (i < n) {
		end = i + min(n - i, MYPOLL_BURST_CHUNK);
		spin_lock_irqsave(&dev->lock, flags);
		for (; i < end; i++) {
			len = scnprintf(text, sizeof(text), "burst %u/%u",
					i + 1, n);
			mypoll_emit(dev, MYPOLL_EV_BURST, text, len);
		}
		mypoll_wake_all(dev);
		spin_unlock_irqrestore(&dev->lock, flags);
		cond_resched();
	}
}

static ktime_t mypoll_us(u32 us)
{
	return ns_to_ktime((u64)us * NSEC_PER_USEC);
}

static enum hrtimer_restart mypoll_timer_fn(struct hrtimer *timer)
{
	struct mypoll_device *dev = container_of(timer, struct mypoll_device,
						 timer);
	u32 period = READ_ONCE(dev->period_us);

	mypoll_event_one(dev, MYPOLL_EV_TIMER, "timer", 5);
	if (!period)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, mypoll_us(period));
	return HRTIMER_RESTART;
}

static int mypoll_check_period(u32 us)
{
	return us && us < MYPOLL_PERIOD_MIN_US ? -EINVAL : 0;
}

static int mypoll_set_period(struct mypoll_device *dev, u32 us)
{
	if (mypoll_check_period(us))
		return -EINVAL;

	mutex_lock(&dev->period_mutex);
	hrtimer_cancel(&dev->timer);
	WRITE_ONCE(dev->period_us, us);
	if (us)
		hrtimer_start(&dev->timer, mypoll_us(us), HRTIMER_MODE_REL);
	mutex_unlock(&dev->period_mutex);
	return 0;
}

/* ---- file operations ---------------------------------------------------- */

static int mypoll_open(struct inode *inode, struct file *file)
{
	struct mypoll_device *dev = container_of(file->private_data,
						 struct mypoll_device, misc);
	struct mypoll_client *client;
	unsigned long flags;

	client = kzalloc(sizeof(*client), GFP_KERNEL);
	if (!client)
		return -ENOMEM;
	client->ring = kvmalloc_array(queue_len, sizeof(*client->ring),
				      GFP_KERNEL);
	if (!client->ring) {
		kfree(client);
		return -ENOMEM;
	}
	client->dev = dev;
	init_waitqueue_head(&client->wait);
	mutex_init(&client->read_mutex);

	spin_lock_irqsave(&dev->lock, flags);
	list_add_tail(&client->node, &dev->clients);
	dev->readers++;
	spin_unlock_irqrestore(&dev->lock, flags);

	file->private_data = client;
	return stream_open(inode, file);
}

static int mypoll_release(struct inode *inode, struct file *file)
{
	struct mypoll_client *client = file->private_data;
	struct mypoll_device *dev = client->dev;
	unsigned long flags;

	/*
	 * No fasync cleanup here: an entry only gets on client->fasync by
	 * ->fasync() with FASYNC set, and __fput() calls ->fasync(-1, file, 0)
	 * for such a file before ->release(), so the list is already empty.
	 */
	spin_lock_irqsave(&dev->lock, flags);
	list_del(&client->node);
	dev->readers--;
	spin_unlock_irqrestore(&dev->lock, flags);

	mutex_destroy(&client->read_mutex);
	kvfree(client->ring);
	kfree(client);
	return 0;
}

static bool mypoll_ready(struct mypoll_client *client)
{
	unsigned long flags;
	bool ready;

	spin_lock_irqsave(&client->dev->lock, flags);
	ready = mypoll_queued(client) || client->overrun_lost;
	spin_unlock_irqrestore(&client->dev->lock, flags);
	return ready;
}

/*
 * Moves up to @max records (a pending OVERRUN record first) to the bounce
 * buffer. Returns the number of records and, in @events, how many of them are
 * event records. Caller holds client->read_mutex.
 */
static unsigned int mypoll_fetch(struct mypoll_client *client,
				 unsigned int max, unsigned int *events)
{
	struct mypoll_device *dev = client->dev;
	struct mypoll_event *out = client->bounce;
	unsigned int mask = queue_len - 1;
	unsigned int n = 0, k;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	if (client->overrun_lost && max) {
		memset(out, 0, sizeof(*out));
		out->seq = client->overrun_seq;
		out->ts_ns = client->overrun_ts;
		out->type = MYPOLL_EV_OVERRUN;
		out->lost = client->overrun_lost;
		client->overrun_lost = 0;
		n = 1;
	}
	k = min(max - n, mypoll_queued(client));
	*events = k;
	while (k--)
		out[n++] = client->ring[client->tail++ & mask];
	spin_unlock_irqrestore(&dev->lock, flags);
	return n;
}

static ssize_t mypoll_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct mypoll_client *client = file->private_data;
	struct mypoll_device *dev = client->dev;
	size_t want = len / MYPOLL_RECORD_SIZE, done = 0;
	unsigned int n, events;
	unsigned long flags;
	int err;

	if (len < MYPOLL_RECORD_SIZE)
		return -EINVAL;

	for (;;) {
		if (!mypoll_ready(client)) {
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			err = wait_event_interruptible(client->wait,
						       mypoll_ready(client));
			if (err)
				return err;
		}

		if (mutex_lock_interruptible(&client->read_mutex))
			return -ERESTARTSYS;
		while (done < want) {
			n = mypoll_fetch(client,
					 min_t(size_t, want - done,
					       MYPOLL_BOUNCE_RECORDS),
					 &events);
			if (!n)
				break;
			/*
			 * Records that cannot be copied are gone, as in evdev:
			 * the caller passed a bad buffer.
			 */
			if (copy_to_user(buf + done * MYPOLL_RECORD_SIZE,
					 client->bounce,
					 n * MYPOLL_RECORD_SIZE)) {
				mutex_unlock(&client->read_mutex);
				if (!done)
					return -EFAULT;
				return done * MYPOLL_RECORD_SIZE;
			}
			spin_lock_irqsave(&dev->lock, flags);
			client->delivered += events;
			spin_unlock_irqrestore(&dev->lock, flags);
			done += n;
		}
		mutex_unlock(&client->read_mutex);

		/* Another read() on this file may have taken the records. */
		if (done)
			return done * MYPOLL_RECORD_SIZE;
	}
}

static ssize_t mypoll_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct mypoll_client *client = file->private_data;
	u8 payload[MYPOLL_PAYLOAD_MAX];
	size_t n = min_t(size_t, len, MYPOLL_PAYLOAD_MAX);

	if (!len)
		return 0;
	if (copy_from_user(payload, buf, n))
		return -EFAULT;
	mypoll_event_one(client->dev, MYPOLL_EV_MANUAL, payload, n);
	return len;
}

static __poll_t mypoll_poll(struct file *file, poll_table *wait)
{
	struct mypoll_client *client = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &client->wait, wait);
	if (mypoll_ready(client))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int mypoll_fasync(int fd, struct file *file, int on)
{
	struct mypoll_client *client = file->private_data;

	return fasync_helper(fd, file, on, &client->fasync);
}

static long mypoll_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct mypoll_client *client = file->private_data;
	struct mypoll_device *dev = client->dev;
	void __user *argp = (void __user *)arg;
	struct mypoll_stats st;
	unsigned long flags;
	u32 v;

	switch (cmd) {
	case MYPOLL_IOC_GET_PERIOD:
		v = READ_ONCE(dev->period_us);
		return copy_to_user(argp, &v, sizeof(v)) ? -EFAULT : 0;

	case MYPOLL_IOC_SET_PERIOD:
		if (copy_from_user(&v, argp, sizeof(v)))
			return -EFAULT;
		return mypoll_set_period(dev, v);

	case MYPOLL_IOC_BURST:
		if (copy_from_user(&v, argp, sizeof(v)))
			return -EFAULT;
		if (v < 1 || v > MYPOLL_BURST_MAX)
			return -EINVAL;
		mypoll_burst(dev, v);
		return 0;

	case MYPOLL_IOC_GET_STATS:
		memset(&st, 0, sizeof(st));
		spin_lock_irqsave(&dev->lock, flags);
		st.generated = dev->seq;
		st.delivered = client->delivered;
		st.lost = client->lost;
		st.queued = mypoll_queued(client);
		st.capacity = queue_len;
		st.readers = dev->readers;
		spin_unlock_irqrestore(&dev->lock, flags);
		st.period_us = READ_ONCE(dev->period_us);
		return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static const struct file_operations mypoll_fops = {
	.owner		= THIS_MODULE,
	.open		= mypoll_open,
	.release	= mypoll_release,
	.read		= mypoll_read,
	.write		= mypoll_write,
	.poll		= mypoll_poll,
	.fasync		= mypoll_fasync,
	.unlocked_ioctl	= mypoll_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* ---- sysfs: /sys/class/misc/mypoll* /period_us ------------------------ */

static struct mypoll_device *mypoll_from_dev(struct device *d)
{
	struct miscdevice *misc = dev_get_drvdata(d);

	return container_of(misc, struct mypoll_device, misc);
}

static ssize_t period_us_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct mypoll_device *dev = mypoll_from_dev(d);

	return sysfs_emit(buf, "%u\n", READ_ONCE(dev->period_us));
}

static ssize_t period_us_store(struct device *d, struct device_attribute *attr,
			       const char *buf, size_t len)
{
	u32 v;
	int err;

	err = kstrtou32(buf, 0, &v);
	if (err)
		return err;
	err = mypoll_set_period(mypoll_from_dev(d), v);
	return err ? err : len;
}
static DEVICE_ATTR_RW(period_us);

static struct attribute *mypoll_attrs[] = {
	&dev_attr_period_us.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mypoll);

/* ---- module ------------------------------------------------------------- */

static void mypoll_timer_init(struct mypoll_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&dev->timer, mypoll_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
#else
	hrtimer_init(&dev->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	dev->timer.function = mypoll_timer_fn;
#endif
}

static void mypoll_dev_destroy(struct mypoll_device *dev)
{
	/*
	 * misc_deregister() removes the sysfs attribute and waits for running
	 * store calls, and no file is open (fops.owner pins the module), so
	 * nothing can start the timer again once it is cancelled.
	 */
	misc_deregister(&dev->misc);
	hrtimer_cancel(&dev->timer);
	mutex_destroy(&dev->period_mutex);
}

static int __init mypoll_init(void)
{
	struct mypoll_device *dev;
	unsigned int i;
	int err;

	if (!is_power_of_2(queue_len) || queue_len > MYPOLL_QUEUE_MAX) {
		pr_err("queue_len=%u: must be a power of two, 1..%u\n",
		       queue_len, MYPOLL_QUEUE_MAX);
		return -EINVAL;
	}
	if (count < 1 || count > MYPOLL_MAX_DEVICES) {
		pr_err("count=%u: must be 1..%u\n", count, MYPOLL_MAX_DEVICES);
		return -EINVAL;
	}
	if (mypoll_check_period(period_us)) {
		pr_err("period_us=%u: must be 0 (off) or >= %u\n",
		       period_us, MYPOLL_PERIOD_MIN_US);
		return -EINVAL;
	}

	mypoll_devs = kcalloc(count, sizeof(*mypoll_devs), GFP_KERNEL);
	if (!mypoll_devs)
		return -ENOMEM;

	for (i = 0; i < count; i++) {
		dev = &mypoll_devs[i];
		if (count == 1)
			strscpy(dev->name, "mypoll", sizeof(dev->name));
		else
			snprintf(dev->name, sizeof(dev->name), "mypoll%u", i);
		spin_lock_init(&dev->lock);
		INIT_LIST_HEAD(&dev->clients);
		mutex_init(&dev->period_mutex);
		mypoll_timer_init(dev);

		dev->misc.minor = MISC_DYNAMIC_MINOR;
		dev->misc.name = dev->name;
		dev->misc.fops = &mypoll_fops;
		dev->misc.groups = mypoll_groups;
		dev->misc.mode = 0660;

		err = misc_register(&dev->misc);
		if (err) {
			pr_err("%s: misc_register: %d\n", dev->name, err);
			mutex_destroy(&dev->period_mutex);
			goto unwind;
		}
		mypoll_ndevs++;
		mypoll_set_period(dev, period_us);
	}

	pr_info("%u device(s), period_us=%u, queue_len=%u\n",
		count, period_us, queue_len);
	return 0;

unwind:
	while (mypoll_ndevs)
		mypoll_dev_destroy(&mypoll_devs[--mypoll_ndevs]);
	kfree(mypoll_devs);
	return err;
}

static void __exit mypoll_exit(void)
{
	while (mypoll_ndevs)
		mypoll_dev_destroy(&mypoll_devs[--mypoll_ndevs]);
	kfree(mypoll_devs);
}

module_init(mypoll_init);
module_exit(mypoll_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mypoll: event device with per-reader queues, poll, SIGIO");
MODULE_AUTHOR("mypoll-bridge");
